#!/usr/bin/env bash
# The helper's io_uring benchmark against fio's io_uring engine on the same file, same block size, queue depth, mode
# and duration, alternating runs so that both see the same machine. Prints each run and the median ratio.
#   native-helper/bench/vs-fio.sh [FILE] [rw=randread] [bs=4096] [qd=32] [seconds=5] [rounds=3] [direct=1]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
file="${1:-/var/tmp/sandtable-bench.img}"; rw="${2:-randread}"; bs="${3:-4096}"; qd="${4:-32}"
secs="${5:-5}"; rounds="${6:-3}"; direct="${7:-1}"
helper="$here/build/sandtable-helper"
[ -x "$helper" ] || make -s -C "$here" all
command -v fio >/dev/null || { echo "vs-fio: fio is missing (apt-get install fio)" >&2; exit 2; }
if [ ! -f "$file" ]; then
  echo "vs-fio: writing a 1 GiB test file $file" >&2
  dd if=/dev/urandom of="$file" bs=1M count=1024 status=none
fi
case "$rw" in randread) hrw=(--rw read --pattern rand); terse=8 ;; read) hrw=(--rw read --pattern seq); terse=8 ;;
  randwrite) hrw=(--rw write --pattern rand); terse=49 ;; write) hrw=(--rw write --pattern seq); terse=49 ;;
  *) echo "vs-fio: rw must be randread, read, randwrite or write" >&2; exit 2 ;; esac
hmode=(); [ "$direct" = 1 ] || hmode=(--buffered)
fio_cmd=(fio --name=vs-helper --filename="$file" --ioengine=io_uring --rw="$rw" --bs="$bs" --iodepth="$qd" --direct="$direct"
  --time_based --runtime="$secs" --output-format=terse --terse-version=3)
helper_cmd=("$helper" bench "$file" "${hrw[@]}" --bs "$bs" --qd "$qd" --ms "$((secs * 1000))" "${hmode[@]}")
echo "helper: ${helper_cmd[*]}"
echo "fio:    ${fio_cmd[*]}"
h=(); f=()
for ((i = 1; i <= rounds; i++)); do
  hi=$("${helper_cmd[@]}" | sed -n 's/^iops=\([0-9]*\).*/\1/p')
  fi_=$("${fio_cmd[@]}" | awk -F';' -v c="$terse" '{printf "%.0f", $c}')
  echo "round $i: helper $hi IOPS, fio $fi_ IOPS"
  h+=("$hi"); f+=("$fi_")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
hm=$(median "${h[@]}"); fm=$(median "${f[@]}")
awk -v h="$hm" -v f="$fm" 'BEGIN {printf "median: helper %d IOPS, fio %d IOPS, ratio %.3f (goal >= 0.95)\n", h, f, h / f}'
