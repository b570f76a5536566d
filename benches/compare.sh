#!/usr/bin/env bash
# Side-by-side speed of rvmaf and libvmaf's `vmaf` tool on the same machine and clips.
#
#   LIBVMAF_VMAF=/path/to/vmaf ./benches/compare.sh [FRAMES]
#   THREADS="1 2 8" ... (the thread counts of the v0.6.1 8-bit rows; default "1 2")
#
# Generates synthetic 1080p clips (8- and 10-bit, benches/src/bin/gen_clip.rs) in a temporary
# directory, times each scenario (best of 3 runs, wall clock) with both tools at the same thread
# count, and prints frames per second, the rvmaf/libvmaf ratio and peak memory. Without
# LIBVMAF_VMAF only rvmaf is timed. rvmaf runs at the best SIMD level of the CPU (set RVMAF_CPU
# to force one); libvmaf at its defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
FRAMES=${1:-48}
# RVMAF_BIN and GEN_CLIP_BIN name prebuilt binaries (a machine without cargo); else build them.
if [ -n "${RVMAF_BIN:-}" ] && [ -n "${GEN_CLIP_BIN:-}" ]; then
  RV=$RVMAF_BIN GEN=$GEN_CLIP_BIN
else
  cargo build --release -q -p rvmaf-cli -p rvmaf-benches
  RV=$PWD/target/release/rvmaf GEN=$PWD/target/release/gen_clip
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "generating $FRAMES-frame 1080p clips in $WORK ..."
"$GEN" "$WORK/8" --frames "$FRAMES" --bitdepth 8 --distorted 4
"$GEN" "$WORK/10" --frames "$FRAMES" --bitdepth 10 --distorted 1

# time_cmd CMD... -> "seconds peak_kb" (best of 3)
time_cmd() {
  local best="" mem=0
  for _ in 1 2 3; do
    "${TIME_BIN:-/usr/bin/time}" -o "$WORK/time.txt" -f "%e %M" "$@" >/dev/null 2>&1
    local out; out=$(tail -1 "$WORK/time.txt")
    local t=${out% *} m=${out#* }
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    [ "$m" -gt "$mem" ] && mem=$m
  done
  echo "$best $mem"
}

row() { # name frames rvmaf-args -- libvmaf-args
  local name=$1 frames=$2; shift 2
  local rv=() lv=() side=rv
  for a in "$@"; do
    if [ "$a" = "--" ]; then side=lv; continue; fi
    if [ $side = rv ]; then rv+=("$a"); else lv+=("$a"); fi
  done
  read -r rt rm <<<"$(time_cmd "$RV" "${rv[@]}" -q)"
  local rfps; rfps=$(awk "BEGIN{printf \"%.1f\", $frames/$rt}")
  if [ -n "${LIBVMAF_VMAF:-}" ] && [ ${#lv[@]} -gt 0 ]; then
    read -r lt lm <<<"$(time_cmd "$LIBVMAF_VMAF" "${lv[@]}" -q)"
    local lfps; lfps=$(awk "BEGIN{printf \"%.1f\", $frames/$lt}")
    printf "%-34s rvmaf %7s fps %7s MB | libvmaf %7s fps %7s MB | ratio %5.2fx\n" "$name" "$rfps" "$((rm/1024))" "$lfps" "$((lm/1024))" "$(awk "BEGIN{print $lt/$rt}")"
  else
    printf "%-34s rvmaf %7s fps %7s MB\n" "$name" "$rfps" "$((rm/1024))"
  fi
}

R8=$WORK/8/ref.y4m D8=$WORK/8/dis0.y4m R10=$WORK/10/ref.y4m D10=$WORK/10/dis0.y4m
V1=vmaf_v1.0.16_3d0h
for t in ${THREADS:-1 2}; do
  row "vmaf_v0.6.1 8-bit, $t thread(s)" "$FRAMES" -r "$R8" -d "$D8" --threads "$t" -- -r "$R8" -d "$D8" --threads "$t"
done
row "vmaf_v0.6.1 10-bit, 1 thread" "$FRAMES" -r "$R10" -d "$D10" --threads 1 -- -r "$R10" -d "$D10"
row "$V1 10-bit, 1 thread" "$FRAMES" -r "$R10" -d "$D10" --threads 1 -m version=$V1 -- -r "$R10" -d "$D10" -m version=$V1
row "vmaf_float_v0.6.1 8-bit, 1 thread" "$FRAMES" -r "$R8" -d "$D8" --threads 1 -m version=vmaf_float_v0.6.1 -- -r "$R8" -d "$D8" -m version=vmaf_float_v0.6.1
row "cambi alone 10-bit, 1 thread" "$FRAMES" -r "$R10" -d "$D10" --threads 1 -n --feature cambi -- -r "$R10" -d "$D10" -n --feature cambi
row "cambi alone 8-bit, 1 thread" "$FRAMES" -r "$R8" -d "$D8" --threads 1 -n --feature cambi -- -r "$R8" -d "$D8" -n --feature cambi

# One reference against 4 distorted inputs vs 4 separate rvmaf runs (rvmaf only).
D=(-d "$WORK/8/dis0.y4m" -d "$WORK/8/dis1.y4m" -d "$WORK/8/dis2.y4m" -d "$WORK/8/dis3.y4m")
read -r mt mm <<<"$(time_cmd "$RV" -r "$R8" "${D[@]}" --threads 2 -q -o "$WORK/multi.json")"
sep() { for k in 0 1 2 3; do "$RV" -r "$R8" -d "$WORK/8/dis$k.y4m" --threads 2 -q -o /dev/null; done; }
export -f sep; export RV R8 WORK
read -r st sm <<<"$(time_cmd bash -c sep)"
printf "%-34s one run %6.2f s %5s MB | 4 separate runs %6.2f s | ratio %5.2fx\n" "1 ref vs 4 distorted, 2 threads" "$mt" "$((mm/1024))" "$st" "$(awk "BEGIN{print $st/$mt}")"
