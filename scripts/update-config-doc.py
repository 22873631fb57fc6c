#!/usr/bin/env python3
"""Rewrites the settings table of docs/CONFIG.md from `runpod-autoscaler config-reference`.

The table is generated from ConfigKey.all, so it cannot drift from the code;
Tests/e2e/test_docs.py fails when docs/CONFIG.md and the binary disagree.

    scripts/update-config-doc.py [BINARY]          # rewrite the table
    scripts/update-config-doc.py --check [BINARY]  # exit 1 if it is out of date

BINARY defaults to .build/debug/runpod-autoscaler (build it with `make build`).
"""
import argparse
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "CONFIG.md"
BEGIN = "<!-- config-reference:begin (scripts/update-config-doc.py) -->"
END = "<!-- config-reference:end -->"


def render(doc: str, table: str) -> str:
    if doc.count(BEGIN) != 1 or doc.count(END) != 1 or doc.index(BEGIN) > doc.index(END):
        sys.exit(f"{DOC}: expected exactly one {BEGIN} ... {END} block")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + BEGIN + "\n" + table + "\n" + END + tail


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary", nargs="?", default=str(REPO / ".build" / "debug" / "runpod-autoscaler"))
    parser.add_argument("--check", action="store_true", help="only report whether the table is up to date")
    args = parser.parse_args()
    if not Path(args.binary).is_file():
        sys.exit(f"{args.binary} does not exist: build it first (make build)")
    table = subprocess.run(
        [args.binary, "config-reference"], check=True, capture_output=True, text=True
    ).stdout.strip()
    doc = DOC.read_text()
    updated = render(doc, table)
    if args.check:
        if updated != doc:
            print(f"{DOC.relative_to(REPO)} is out of date: run scripts/update-config-doc.py", file=sys.stderr)
            return 1
        return 0
    if updated != doc:
        DOC.write_text(updated)
        print(f"updated {DOC.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
