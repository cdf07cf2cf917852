#!/usr/bin/env bash
# Run by the Maven build (native-helper/pom.xml): build | check.
# Without a C compiler, make or liburing-dev the helper is skipped with a message naming what is missing (its tests then
# skip, or fail under CI); with SANDTABLE_CI=1 or -Dnative.required=true the build fails instead.
set -euo pipefail
cd "$(dirname "$0")"
step="${1:-build}"
required="${2:-false}"
[ "${SANDTABLE_CI:-}" = 1 ] && required=true

missing=""
command -v make >/dev/null 2>&1 || missing="make (Debian: apt-get install make)"
cc="${CC:-cc}"
if [ -z "$missing" ] && ! command -v "$cc" >/dev/null 2>&1; then missing="a C compiler (Debian: apt-get install gcc)"; fi
if [ -z "$missing" ] && ! printf '#include <liburing.h>\nint main(void){struct io_uring r; (void)r; return 0;}\n' \
    | "$cc" -x c -o /dev/null - -luring >/dev/null 2>&1; then
  missing="liburing-dev, the io_uring headers and library (Debian/Ubuntu: apt-get install liburing-dev)"
fi
no_clang=""
if [ "$step" = check ] && [ -z "$missing" ] && ! command -v clang >/dev/null 2>&1; then
  no_clang="clang, for the sanitizer build and the fuzz run (Debian: apt-get install clang libclang-rt-14-dev)"
  if [ "$required" = true ]; then missing="$no_clang"; fi
fi
if [ -n "$missing" ]; then
  if [ "$required" = true ]; then
    echo "native-helper: cannot build: missing $missing" >&2
    exit 1
  fi
  echo "native-helper: SKIPPED: missing $missing. The helper and its tests are skipped." >&2
  rm -f build/sandtable-helper
  exit 0
fi
case "$step" in
  build) make -s all ;;
  check)
    if [ -n "$no_clang" ]; then
      echo "native-helper: missing $no_clang; running the unit and integration tests without sanitizers or fuzzing." >&2
      make -s unit integration INTEGRATION_HELPER=build/sandtable-helper
    else
      make -s check FUZZ_SECONDS="${FUZZ_SECONDS:-20}"
    fi ;;
  *) echo "usage: maven-build.sh build|check [required]" >&2; exit 2 ;;
esac
