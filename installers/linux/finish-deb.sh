#!/usr/bin/env bash
# Finishes the .deb that jpackage made (run by the -Pinstaller build after jpackage --type deb; any other type
# returns at once). jpackage places the application under /opt/sandtable and nothing else, so this adds, as files
# the package owns (dpkg -L lists them, dpkg -r removes them):
#   /usr/bin/sandtable                               the command line (a link to the launcher)
#   /usr/share/applications/sandtable.desktop        the desktop entry (linux/sandtable.desktop)
#   /usr/share/icons/hicolor/NxN/apps/sandtable.png  the icon theme sizes (rendered by the icons module)
#   the native-helper, when it is built: see native_helper() below
# then writes md5sums and the installed size and compresses the package with zstd (dpkg reads it since Debian 12
# and Ubuntu 21.10): 3 s and 55 MB here, where xz takes minutes on two busy cores for 45 MB
# (SANDTABLE_DEB_COMPRESSION=xz for that, or gzip).
# usage: finish-deb.sh <installer type> <folder holding jpackage's .deb> <folder of the Linux icons>
set -euo pipefail
type="$1" dir="$2" icons="$3"
[ "$type" = deb ] || exit 0
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

debs=("$dir"/*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || { echo "finish-deb: expected one .deb in $dir" >&2; exit 1; }
deb="${debs[0]}"
tree="$(mktemp -d)"
trap 'rm -rf "$tree"' EXIT
dpkg-deb -R "$deb" "$tree"

install -d "$tree/usr/bin"
ln -s /opt/sandtable/bin/Sandtable "$tree/usr/bin/sandtable"
install -D -m 0644 "$root/installers/linux/sandtable.desktop" "$tree/usr/share/applications/sandtable.desktop"
for png in "$icons"/hicolor/*/apps/sandtable.png; do
  size="$(basename "$(dirname "$(dirname "$png")")")"
  install -D -m 0644 "$png" "$tree/usr/share/icons/hicolor/$size/apps/sandtable.png"
done

# The native-helper, if this checkout has it. installers/native-helper/ holds its system files; each goes where
# its kind belongs, unless installers/native-helper/install.map says otherwise (lines: SOURCE DESTINATION MODE,
# SOURCE relative to the repository, DESTINATION absolute). The binary is the one the .service's ExecStart= names,
# taken from native-helper/build/.
# (NATIVE_HELPER_FILES and NATIVE_HELPER_BUILD point elsewhere for linux/finish-deb-test.sh.)
native_helper() {
  local src="${NATIVE_HELPER_FILES:-$root/installers/native-helper}" build="${NATIVE_HELPER_BUILD:-$root/native-helper/build}"
  local f dest exe bin mode
  [ -d "$src" ] || return 0
  if [ -f "$src/install.map" ]; then
    while read -r f dest mode; do
      case "$f" in ''|'#'*) continue ;; esac
      [ -e "$root/$f" ] || { echo "finish-deb: install.map names $f, which is missing (build the native-helper first)" >&2; exit 1; }
      install -D -m "${mode:-0644}" "$root/$f" "$tree$dest"
    done < "$src/install.map"
    return 0
  fi
  for f in "$src"/*; do
    case "$f" in
      *.socket|*.service) dest="/usr/lib/systemd/system/$(basename "$f")" ;;
      *.rules) if grep -q 'polkit\.' "$f"; then dest="/usr/share/polkit-1/rules.d/$(basename "$f")"
               else dest="/usr/lib/udev/rules.d/$(basename "$f")"; fi ;;
      *.sysusers.conf) dest="/usr/lib/sysusers.d/$(basename "$f" .sysusers.conf).conf" ;;
      *.tmpfiles.conf) dest="/usr/lib/tmpfiles.d/$(basename "$f" .tmpfiles.conf).conf" ;;
      *) continue ;;
    esac
    install -D -m 0644 "$f" "$tree$dest"
  done
  for f in "$src"/*.service; do
    [ -f "$f" ] || continue
    exe="$(sed -n 's/^ExecStart=[-@+!:]*\([^[:space:]]*\).*/\1/p' "$f" | head -n 1)"
    [ -n "$exe" ] || continue
    bin="$build/$(basename "$exe")"
    [ -x "$bin" ] || { echo "finish-deb: $(basename "$f") runs $exe, but $bin is not built" >&2; exit 1; }
    install -D -m 0755 "$bin" "$tree$exe"
  done
}
native_helper

# control: the installed size now includes the added files; md5sums for dpkg --verify
size_kb="$(du -sk --exclude=DEBIAN "$tree" | cut -f1)"
sed -i "s/^Installed-Size:.*/Installed-Size: $size_kb/" "$tree/DEBIAN/control"
(cd "$tree" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$tree/DEBIAN/md5sums"
chmod 0644 "$tree/DEBIAN/md5sums"

rm -f "$deb"
dpkg-deb --root-owner-group -Z"${SANDTABLE_DEB_COMPRESSION:-zstd}" --threads-max="$(nproc)" -b "$tree" "$deb" >/dev/null
echo "finish-deb: $deb ($(du -h "$deb" | cut -f1))"
