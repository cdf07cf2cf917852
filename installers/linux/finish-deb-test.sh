#!/usr/bin/env bash
# Checks linux/finish-deb.sh on a tiny stand-in for jpackage's .deb and a stand-in native-helper (its units, a udev
# rule, a sysusers file and the binary its .service names), so the native-helper packaging is tested before the
# native-helper exists in the checkout. Needs dpkg-deb and zstd; takes a second. Run by installers/ci-deb-check.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT
fail() { echo "finish-deb-test: FAILED: $*" >&2; exit 1; }

# what jpackage would have made: an app under /opt/sandtable and a control file
mkdir -p "$t/pkg/DEBIAN" "$t/pkg/opt/sandtable/bin" "$t/out"
printf 'Package: sandtable\nVersion: 0.1.0\nArchitecture: amd64\nMaintainer: test <t@t.invalid>\nInstalled-Size: 1\nDescription: test\n' > "$t/pkg/DEBIAN/control"
printf '#!/bin/sh\n' > "$t/pkg/opt/sandtable/bin/Sandtable" && chmod 0755 "$t/pkg/opt/sandtable/bin/Sandtable"
dpkg-deb --root-owner-group -Znone -b "$t/pkg" "$t/out/sandtable_0.1.0_amd64.deb" >/dev/null
mkdir -p "$t/icons/hicolor/16x16/apps" "$t/icons/hicolor/256x256/apps"
echo png16 > "$t/icons/hicolor/16x16/apps/sandtable.png"; echo png256 > "$t/icons/hicolor/256x256/apps/sandtable.png"

# a native-helper as installers/native-helper/ and native-helper/build/ will hold it
mkdir -p "$t/nh" "$t/build"
printf '[Socket]\nListenStream=/run/sandtable/helper.sock\n' > "$t/nh/sandtable-helper.socket"
printf '[Service]\nExecStart=/usr/libexec/sandtable/sandtable-helper --activated\n' > "$t/nh/sandtable-helper.service"
echo 'KERNEL=="loop-control", GROUP="sandtable"' > "$t/nh/70-sandtable.rules"
echo 'polkit.addRule(function(action, subject) {});' > "$t/nh/50-sandtable.rules"
echo 'g sandtable -' > "$t/nh/sandtable.sysusers.conf"
echo 'notes' > "$t/nh/README.md"
printf '#!/bin/sh\n' > "$t/build/sandtable-helper" && chmod 0755 "$t/build/sandtable-helper"

NATIVE_HELPER_FILES="$t/nh" NATIVE_HELPER_BUILD="$t/build" bash "$here/finish-deb.sh" deb "$t/out" "$t/icons" >/dev/null
deb="$t/out/sandtable_0.1.0_amd64.deb"
listing="$(dpkg-deb -c "$deb")"
expect() {  # mode path [link target]
  echo "$listing" | awk -v m="$1" -v p="./$2" '$1 == m && $6 == p { found = 1 } END { exit !found }' \
    || fail "the package lacks $1 $2"
}
expect -rwxr-xr-x opt/sandtable/bin/Sandtable
expect lrwxrwxrwx usr/bin/sandtable
echo "$listing" | grep -q 'usr/bin/sandtable -> /opt/sandtable/bin/Sandtable' || fail "/usr/bin/sandtable does not point at the launcher"
expect -rw-r--r-- usr/share/applications/sandtable.desktop
expect -rw-r--r-- usr/share/icons/hicolor/16x16/apps/sandtable.png
expect -rw-r--r-- usr/share/icons/hicolor/256x256/apps/sandtable.png
expect -rw-r--r-- usr/lib/systemd/system/sandtable-helper.socket
expect -rw-r--r-- usr/lib/systemd/system/sandtable-helper.service
expect -rw-r--r-- usr/lib/udev/rules.d/70-sandtable.rules
expect -rw-r--r-- usr/share/polkit-1/rules.d/50-sandtable.rules
expect -rw-r--r-- usr/lib/sysusers.d/sandtable.conf
expect -rwxr-xr-x usr/libexec/sandtable/sandtable-helper
echo "$listing" | grep -q README.md && fail "a file that is not a system file (README.md) was packaged"
echo "$listing" | awk '$2 != "root/root" { bad = 1 } END { exit bad }' || fail "files not owned by root/root"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./md5sums | grep -q ' usr/libexec/sandtable/sandtable-helper$' || fail "md5sums lacks the helper"
[ "$(dpkg-deb -f "$deb" Installed-Size)" -gt 1 ] || fail "Installed-Size was not recomputed"
ar t "$deb" | grep -qx 'data.tar.zst' || fail "the package is not zstd-compressed: $(ar t "$deb" | tr '\n' ' ')"

# a .service whose binary was not built stops the build with a message
rm "$t/build/sandtable-helper"
dpkg-deb --root-owner-group -Znone -b "$t/pkg" "$t/out/sandtable_0.1.0_amd64.deb" >/dev/null
if msg="$(NATIVE_HELPER_FILES="$t/nh" NATIVE_HELPER_BUILD="$t/build" bash "$here/finish-deb.sh" deb "$t/out" "$t/icons" 2>&1)"; then
  fail "finish-deb.sh packaged a unit whose binary is missing"
fi
echo "$msg" | grep -q 'runs /usr/libexec/sandtable/sandtable-helper, but .* is not built' || fail "unclear message: $msg"

# other installer types are left alone
bash "$here/finish-deb.sh" rpm "$t/nowhere" "$t/icons" || fail "finish-deb.sh rpm did not return at once"
echo "finish-deb-test: passed"
