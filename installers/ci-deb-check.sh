#!/usr/bin/env bash
# CI's installer check (run by .ci/run after the tests; as root, on a Debian/Ubuntu machine):
#   build the .deb (./mvnw -Pinstaller), install it with dpkg -i, start the installed app under Xvfb and wait for
#   its window, use the installed command line against the service the window started, then dpkg -r and
#   dpkg --purge it and check that none of its files, links or processes are left.
# It runs on the developer's machine too, but installs into the system: only where that is wanted.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
say() { echo "ci-deb-check: $*"; }
fail() { echo "ci-deb-check: FAILED: $*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# What jpackage needs to build a .deb (fakeroot, dpkg-deb), what the package depends on (so dpkg -i finds it all
# installed), and the X server and tools the check uses.
need=()
for p in fakeroot zstd libgtk-3-0 libxtst6 libxxf86vm1 fontconfig fonts-dejavu-core xvfb xauth x11-utils; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# the packaging of the native-helper's files, on stand-ins (the real ones may not be in this checkout yet)
bash installers/linux/finish-deb-test.sh

# the native-helper (when this checkout has it) goes into the package: build it first
if [ -f native-helper/Makefile ] && [ -d installers/native-helper ]; then
  say "building the native-helper"
  make -s -C native-helper
fi

say "building the .deb"
./mvnw -B -q -Pinstaller package -pl installers -am -DskipTests
deb=$(ls installers/target/jpackage/package/sandtable_*.deb)
built=$(date +%s)
say "$deb: $(du -h "$deb" | cut -f1), built in $((built - started)) s"

# a package left installed by an earlier, interrupted run would hide what this one installs
if dpkg -s sandtable >/dev/null 2>&1; then as_root dpkg --purge sandtable >/dev/null; fi
files=$(dpkg-deb --fsys-tarfile "$deb" | tar -t | sed 's|^\./|/|' | grep -v '/$')   # files and links, not folders
as_root dpkg -i "$deb" >/dev/null
dpkg -s sandtable | grep -q '^Status: install ok installed' || fail "dpkg -i did not install sandtable"
for f in /opt/sandtable/bin/Sandtable /usr/bin/sandtable /usr/share/applications/sandtable.desktop \
         /usr/share/icons/hicolor/256x256/apps/sandtable.png; do
  [ -e "$f" ] || fail "$f is missing after dpkg -i"
done
if command -v desktop-file-validate >/dev/null; then desktop-file-validate /usr/share/applications/sandtable.desktop; fi
say "installed: $(dpkg-query -W -f='${Package} ${Version}, ${Installed-Size} KiB' sandtable); depends: $(dpkg-query -W -f='${Depends}' sandtable)"
[ "$(sandtable --version)" ] || fail "sandtable --version printed nothing"

# The installed app, as a user starts it from the menu: the window on the per-user service, which it starts.
# SANDTABLE_HOME keeps this run's service and sandboxes apart from anything else on the machine.
home=$(mktemp -d)
export SANDTABLE_HOME="$home"
log="$home/window.log"
xvfb-run -a -s "-screen 0 1440x900x24" bash -c '
  /opt/sandtable/bin/Sandtable >"$1" 2>&1 &
  app=$!
  for _ in $(seq 1 90); do
    # the main window: titled Sandtable and at least its minimum size (GTK also makes a small hidden leader window)
    win=$(xwininfo -root -tree | grep "\"Sandtable\": (" | awk "{ for (i = 1; i <= NF; i++) if (\$i ~ /^[0-9]+x[0-9]+\+/) {
            split(\$i, g, /[x+]/); if (g[1] >= 900 && g[2] >= 550) print \$1, g[1] \"x\" g[2] } }" | head -n 1)
    if [ -n "$win" ]; then
      echo "ci-deb-check: the window is up: Sandtable, ${win#* }"
      # it carries the app icon (Stage icons become the X property window managers and task bars read)
      icon=$(xprop -id "${win%% *}" -notype _NET_WM_ICON | grep -o "Icon ([0-9]* x [0-9]*)" | head -n 1)
      [ -n "$icon" ] || { echo "ci-deb-check: the window has no icon (_NET_WM_ICON)" >&2; kill "$app"; exit 1; }
      echo "ci-deb-check: its icon: $icon"
      # the window reaches the service it started: the installed command line sees the same one
      for _ in $(seq 1 60); do sandtable ls >/dev/null 2>&1 && break; sleep 0.5; done
      ok=1
      if sandtable create ci-box >/dev/null && sandtable ls | grep -q ci-box && sandtable rm ci-box >/dev/null; then
        echo "ci-deb-check: the installed command line created and removed a sandbox through the service"
      else
        echo "ci-deb-check: the installed command line could not create a sandbox" >&2; ok=0
      fi
      kill "$app"; wait "$app" || true
      [ "$ok" = 1 ]; exit
    fi
    kill -0 "$app" 2>/dev/null || { echo "ci-deb-check: the app exited before its window showed" >&2; exit 1; }
    sleep 1
  done
  echo "ci-deb-check: no Sandtable window after 90 s" >&2
  kill "$app"
  exit 1
' _ "$log" || { cat "$log" >&2; fail "the installed app did not show its window"; }
sandtable service stop >/dev/null 2>&1 || true
window_ok=$(date +%s)

as_root dpkg -r sandtable >/dev/null
as_root dpkg --purge sandtable >/dev/null
if dpkg -s sandtable >/dev/null 2>&1; then fail "sandtable is still known to dpkg after --purge"; fi
left=""
while IFS= read -r f; do
  if [ -e "$f" ] || [ -L "$f" ]; then left="$left $f"; fi
done <<< "$files"
[ -z "$left" ] || fail "files left after dpkg --purge:$left"
[ ! -e /opt/sandtable ] || fail "/opt/sandtable is left after dpkg --purge"
if pgrep -f /opt/sandtable/ >/dev/null; then pgrep -af /opt/sandtable/ >&2; fail "processes of the removed package still run"; fi
rm -rf "$home"

say "passed: built in $((built - started)) s, install + window + CLI in $((window_ok - built)) s, total $(($(date +%s) - started)) s"
