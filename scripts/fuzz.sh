#!/usr/bin/env bash
# `make fuzz`: builds sandbox-fuzz with libFuzzer and runs each fuzz target (issue 23) for a bounded time.
#
# Usage: scripts/fuzz.sh [seconds-per-target] [target ...]   (default 60 seconds, every target)
# The build goes to its own scratch path (.build/fuzz), so the ordinary build keeps no sanitizer flags.
# Each target starts from its seeds (fuzz/corpus/TARGET) and the inputs that once crashed it
# (fuzz/regressions/TARGET), with a dictionary of its format's tokens (fuzz/dictionaries/TARGET.dict); the inputs libFuzzer finds are kept in .build/fuzz/corpus/TARGET for the next
# run. A crashing input is written to fuzz/crashes/TARGET/ — fix the parser, then move the input to
# fuzz/regressions/TARGET/, where `make test` (FuzzTargetsTests) checks it is refused with a message.
# Prints the inputs each target ran, and exits 1 when any target crashed.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(episode-record safetensors label-import bundle-manifest hierarchy arguments)

# lld: gold fails to link libFuzzer's runtime beside SwiftPM's `--defsym main=…` (an internal error in gold).
swift build -c release --scratch-path .build/fuzz --product sandbox-fuzz \
  -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld || exit 1
fuzzer=.build/fuzz/release/sandbox-fuzz
mkdir -p .build/fuzz/logs

status=0
summary="| target | seconds | inputs run | inputs/s | result |\n|---|---:|---:|---:|---|"
for target in "${targets[@]}"; do
  work=.build/fuzz/corpus/$target
  mkdir -p "$work" "fuzz/crashes/$target"
  log=.build/fuzz/logs/$target.log
  echo "fuzz: $target for ${seconds}s"
  seeds=(fuzz/corpus/"$target")
  [ -d fuzz/regressions/"$target" ] && seeds+=(fuzz/regressions/"$target")
  # A command line's cost grows with its --hyperparameter assignments (each re-encodes and decodes the
  # agent's settings), and libFuzzer's inputs grow to 4 KB: arguments keeps to 1 KB (still dozens of them).
  extra=()
  [ "$target" = arguments ] && extra+=(-max_len=1024)
  # -rss_limit_mb: an input that makes a parser allocate gigabytes counts as a crash;
  # -timeout: one that makes it run for seconds counts as a hang.
  "$fuzzer" "$target" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 -timeout=10 \
    -dict="fuzz/dictionaries/$target.dict" ${extra[@]+"${extra[@]}"} \
    -artifact_prefix="fuzz/crashes/$target/" "$work" "${seeds[@]}" > "$log" 2>&1
  code=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  runs=${runs:-0}
  rate=$(( runs / (seconds > 0 ? seconds : 1) ))
  if [ $code -eq 0 ]; then result="no crash"; else result="CRASH (see $log, fuzz/crashes/$target/)"; status=1; fi
  echo "fuzz: $target ran $runs inputs ($rate/s): $result"
  summary+="\n| $target | $seconds | $runs | $rate | $result |"
  rmdir "fuzz/crashes/$target" 2>/dev/null
done
rmdir fuzz/crashes 2>/dev/null
echo
echo -e "$summary"
exit $status
