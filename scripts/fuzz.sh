#!/usr/bin/env bash
# Runs the libFuzzer targets that `make fuzz-build` built: scripts/fuzz.sh BIN_DIR SECONDS TARGET...
#
# Each target starts from its committed seeds (Fuzz/corpus/TARGET) and from what earlier runs found
# (.build-fuzz/corpus/TARGET, where libFuzzer writes new inputs: the committed corpus is only read). A crash,
# trap, leak, or an input slower than 10 s stops the target; its input is saved as
# .build-fuzz/artifacts/TARGET/crash-<sha1> (or leak-, timeout-) and the script fails after the other targets.
set -uo pipefail
bin_dir=$1
seconds=$2
shift 2
scratch=.build-fuzz
failed=()
for target in "$@"; do
  work="$scratch/corpus/$target"
  artifacts="$scratch/artifacts/$target"
  log="$scratch/artifacts/$target.log"
  mkdir -p "$work" "$artifacts"
  # Tokens of the format (keys, numbers at the edges) that mutation alone finds slowly.
  dict=()
  [[ -f "Fuzz/dict/$target.dict" ]] && dict=(-dict="Fuzz/dict/$target.dict")
  # The Swift runtime's own crash handler would race libFuzzer's: off, so libFuzzer saves the input.
  if SWIFT_BACKTRACE=enable=no "$bin_dir/$target" -max_total_time="$seconds" -timeout=10 -max_len=16384 \
      -print_final_stats=1 "${dict[@]}" -artifact_prefix="$artifacts/" "$work" "Fuzz/corpus/$target" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "$target: ${seconds}s, $runs executions, corpus $(ls "$work" | wc -l) found + $(ls "Fuzz/corpus/$target" | wc -l) seeds: ok"
  else
    failed+=("$target")
    echo "$target: FAILED (log: $log)"
    grep -m1 -E '^(==[0-9]+==ERROR|.*Fatal error|SUMMARY)' "$log" || tail -20 "$log"
    ls -1 "$artifacts"/* 2>/dev/null | sed 's/^/  input: /'
  fi
done
if ((${#failed[@]})); then
  echo "failed: ${failed[*]}"
  echo "Reproduce with: SWIFT_BACKTRACE=enable=no $bin_dir/TARGET INPUT; then fix the cause, add a unit test, and"
  echo "commit the input as Fuzz/corpus/TARGET/<what-it-shows> (see docs/FUZZING.md)."
  exit 1
fi
