"""The libFuzzer targets of Fuzz/, each run briefly over its committed corpus: every seed must pass (no crash,
trap, leak or timeout), and a few seconds of mutation must find nothing.

`make test` builds the targets first (`make fuzz-build`, with -sanitize=fuzzer,address) and points
RPA_FUZZ_BIN_DIR at them; `make fuzz` runs them for minutes instead of seconds.

Environment:
  RPA_FUZZ_BIN_DIR   directory of the fuzz executables (make sets it; without it the tests are skipped)
  RPA_FUZZ_SECONDS   seconds of fuzzing per target (default 3)
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "Fuzz" / "corpus"
TARGETS = sorted(path.name for path in (REPO / "Fuzz" / "Sources").iterdir() if path.name != "FuzzSupport")
BIN_DIR = os.environ.get("RPA_FUZZ_BIN_DIR")
SECONDS = int(os.environ.get("RPA_FUZZ_SECONDS", "3"))

pytestmark = pytest.mark.skipif(not BIN_DIR, reason="RPA_FUZZ_BIN_DIR not set (make fuzz-build, then make test-e2e)")


def test_every_target_has_a_corpus():
    assert TARGETS, "no fuzz targets under Fuzz/Sources"
    for target in TARGETS:
        seeds = list((CORPUS / target).iterdir())
        assert len(seeds) >= 5, f"{target}: only {len(seeds)} seeds in Fuzz/corpus/{target}"


@pytest.mark.parametrize("target", TARGETS)
def test_target_passes_its_corpus(target: str, tmp_path: Path):
    binary = Path(BIN_DIR) / target
    assert binary.is_file(), f"{binary} missing: run make fuzz-build"
    seeds = len(list((CORPUS / target).iterdir()))
    found = tmp_path / "found"  # new inputs go here, not into the committed corpus
    found.mkdir()
    dictionary = REPO / "Fuzz" / "dict" / f"{target}.dict"
    options = [f"-dict={dictionary}"] if dictionary.is_file() else []
    result = subprocess.run(
        [str(binary), f"-max_total_time={SECONDS}", "-timeout=10", "-max_len=16384", "-print_final_stats=1",
         *options, f"-artifact_prefix={tmp_path}/", str(found), str(CORPUS / target)],
        capture_output=True, text=True, timeout=SECONDS + 120,
        env={**os.environ, "SWIFT_BACKTRACE": "enable=no"})
    artifacts = [p.name for p in tmp_path.iterdir() if p.name != "found"]
    assert result.returncode == 0 and not artifacts, (
        f"{target} failed ({artifacts}):\n{result.stderr[-4000:]}")
    executed = re.search(r"^stat::number_of_executed_units:\s*(\d+)", result.stderr, re.M)
    assert executed, result.stderr[-2000:]
    assert int(executed.group(1)) >= seeds, f"{target} ran {executed.group(1)} inputs of {seeds} seeds"
