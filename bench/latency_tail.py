#!/usr/bin/env python3
"""Summarizes the per-call latency files of `load_client unary --latencies FILE`.

For each file: calls, p50/p99/p99.9/max, the calls over 1 ms, and where in the run the
calls above the run's p99 fell, by second. A tail spread over every second is the server
(or the client) itself; one packed into a few seconds is something else that took the core
for that stretch, which a single 10 s run cannot tell from a slower server.

Usage: latency_tail.py FILE [FILE ...]
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path


def read(path: Path) -> list[tuple[int, int]]:
    """(start µs from the run's start, latency µs) per answered call."""
    calls = []
    for line in path.read_text().splitlines():
        start, latency = line.split()
        calls.append((int(start), int(latency)))
    return calls


def summary(calls: list[tuple[int, int]]) -> dict:
    if not calls:
        return {"calls": 0}
    latencies = sorted(latency for _, latency in calls)

    def quantile(q: float) -> int:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))]

    p99 = quantile(0.99)
    above = Counter(start // 1_000_000 for start, latency in calls if latency > p99)
    total_above = sum(above.values())
    busiest = above.most_common(2)
    return {
        "calls": len(calls), "p50_us": quantile(0.50), "p99_us": p99, "p999_us": quantile(0.999),
        "max_us": latencies[-1], "over_1ms": sum(1 for latency in latencies if latency > 1000),
        "above_p99_by_second": dict(sorted(above.items())),
        # The share of the tail in the two busiest seconds: about 0.2 of it when spread over 10 s.
        "above_p99_in_busiest_2s": round(sum(count for _, count in busiest) / total_above, 2) if total_above else 0.0,
    }


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for name in sys.argv[1:]:
        result = summary(read(Path(name)))
        if not result["calls"]:
            print(f"{name}: no calls")
            continue
        print(f"{name}: {result['calls']} calls, p50 {result['p50_us']} us, p99 {result['p99_us']} us, "
              f"p99.9 {result['p999_us']} us, max {result['max_us']} us, {result['over_1ms']} over 1 ms; "
              f"above p99 by second {result['above_p99_by_second']} "
              f"({result['above_p99_in_busiest_2s']:.0%} in the busiest 2 s)")


if __name__ == "__main__":
    main()
