#!/usr/bin/env python3
"""Writes the figures of a `make bench` run (bench/results/latest.json by default) into
docs/PERFORMANCE.md between its bench-results markers, so the measured tables are replaced
whole after a new run: `python3 bench/render_results.py [RESULTS.json]`."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "PERFORMANCE.md"
BEGIN = "<!-- bench-results:begin (python3 bench/render_results.py writes this part) -->"
END = "<!-- bench-results:end -->"


def fmt(value, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def render(report: dict) -> str:
    m = report["machine"]
    out = [f"Measured {m['date_utc']} on {m['nproc']} cores ({m['cpu_model']}, Linux {m['kernel']}), "
           f"{'BENCH_QUICK' if report['quick'] else 'the full run'}, "
           f"{report['settings']['pools']} pools, wall time {report['wall_seconds']:.0f} s.", "",
           "Ratios project / C++ (throughput: above 1 is better; latency, CPU and memory: below 1 is better):", "",
           "| load | tool | throughput | p50 | p99 | CPU/call | project calls/s | C++ calls/s "
           "| project µs CPU/call | C++ µs CPU/call | core used project/C++ |",
           "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for load, by_tool in report["ratios"].items():
        for tool, r in by_tool.items():
            cell = report["cells"][load][tool]
            out.append(f"| {load} | {tool} | {fmt(r['throughput'])} | {fmt(r['p50_us'])} | {fmt(r['p99_us'])} "
                       f"| {fmt(r['cpu_us_per_call'])} | {cell['project']['throughput']:.0f} "
                       f"| {cell['cpp']['throughput']:.0f} | {fmt(cell['project']['cpu_us_per_call'], 1)} "
                       f"| {fmt(cell['cpp']['cpu_us_per_call'], 1)} "
                       f"| {fmt(cell['project'].get('server_core_share'))}/{fmt(cell['cpp'].get('server_core_share'))} |")
    out += ["", "| memory (MiB) | project | C++ | ratio |", "| --- | ---: | ---: | ---: |"]
    for state, label in (("idle", "idle"), ("under_load", "under 8×64")):
        for field, name in (("rss_kib", "RSS"), ("rss_anon_kib", "private (RssAnon)"),
                            ("private_dirty_kib", "Private_Dirty"), ("rss_peak_kib", "peak RSS (VmHWM)")):
            if field not in report["memory"]["project"][state]:
                continue  # results from before the peak was recorded
            p = report["memory"]["project"][state].get(field, 0) / 1024
            c = report["memory"]["cpp"][state].get(field, 0) / 1024
            out.append(f"| {label} {name} | {p:.1f} | {c:.1f} | {fmt(report['memory_ratios'][state].get(field))} |")
    s, cold, pools = report["streams"], report["cold_start"], report["pools_1000_vs_1"]
    out += ["", "| extra | figure |", "| --- | --- |",
            f"| cold start to SERVING (median of {len(cold['project']['runs_ms'])}) | project "
            f"{cold['project']['median_ms']} ms, C++ {cold['cpp']['median_ms']} ms |",
            f"| {s['streams']:,} StreamIsActive streams ({s['connections']} connections, {s['pools']:,} pools) "
            f"| RSS {s['memory_idle']['rss_kib'] / 1024:.1f} → {s['memory_with_streams']['rss_kib'] / 1024:.1f} MiB, "
            f"{s['private_bytes_per_stream']:,} private bytes a stream |",
            f"| one demand change reaches every stream | {s['changed']:,}/{s['opened']:,} in {s['fanout_ms']:.0f} ms |"]
    if pools:
        out.append(f"| unary {pools['load']} {pools['tool']}, {report['settings']['pools']:,} pools against 1 "
                   f"| {pools['throughput_pools']:.0f}/s against {pools['throughput_1pool']:.0f}/s: "
                   f"{fmt(pools['ratio'])} |")
    for item in report["reconciler"]:
        out.append(f"| reconciler, {item['pods']:,} pods ({item['passes']} passes) | "
                   f"{fmt(item['net_cpu_ms_per_pass'])} ms CPU a pass ({fmt(item['cpu_ms_per_pass'])} ms for the "
                   f"whole process, less its idle {fmt(item['idle_cpu_ms_per_second'])} ms/s) |")
    out += ["", "Against the targets of issue 11:", ""]
    out += [f"- {'PASS' if c['pass'] else 'MISS'} {c['check']}: {c['value']}" for c in report["checks"]]
    return "\n".join(out)


def main() -> None:
    results = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "bench" / "results" / "latest.json"
    report = json.loads(results.read_text())
    doc = DOC.read_text()
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(doc):
        sys.exit(f"{DOC} has no bench-results markers")
    DOC.write_text(pattern.sub(lambda _: BEGIN + "\n" + render(report) + "\n" + END, doc))


if __name__ == "__main__":
    main()
