extension SimulationReport {
    /// The page's inline stylesheet: system fonts only, nothing fetched.
    static let stylesheet = """
        :root { color-scheme: light; --ink: #1f2933; --muted: #5f6b7a; --line: #d9dee5; --page: #f3f5f8; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--page); color: var(--ink);
          font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
        main { max-width: 1280px; margin: 0 auto; padding: 28px 32px 48px; }
        header { margin-bottom: 8px; }
        .eyebrow { margin: 0; color: var(--muted); text-transform: uppercase; letter-spacing: .08em; font-size: 12px; }
        h1 { margin: 4px 0 12px; font-size: 30px; }
        h2 { margin: 36px 0 8px; font-size: 21px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
        .meta { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 0 0 18px; }
        .meta div { display: flex; gap: 6px; }
        .meta dt { color: var(--muted); }
        .meta dd { margin: 0; font-weight: 600; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 14px; }
        .card { background: #fff; border: 1px solid var(--line); border-left: 5px solid #0072b2;
          border-radius: 8px; padding: 12px 16px; }
        .card-title { color: var(--muted); font-size: 13px; }
        .card-value { font-size: 26px; font-weight: 700; font-variant-numeric: tabular-nums; }
        .card-note { color: var(--muted); font-size: 13px; }
        .lede { color: var(--muted); margin: 0 0 10px; }
        .table-wrap { overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
        table { border-collapse: collapse; width: 100%; font-size: 14px; }
        th, td { padding: 7px 10px; text-align: right; border-bottom: 1px solid var(--line);
          font-variant-numeric: tabular-nums; white-space: nowrap; vertical-align: top; }
        thead th { background: #e9edf2; font-size: 13px; color: #3e4c5c; white-space: normal; }
        tbody tr:last-child th, tbody tr:last-child td { border-bottom: none; }
        tbody th, th:first-child { text-align: left; }
        td.text, th.text { text-align: left; white-space: normal; min-width: 280px; }
        tr.policy { background: #eef6fc; }
        tr.policy .name { font-weight: 700; }
        .name { font-weight: 600; }
        .summary { display: block; font-weight: 400; color: var(--muted); font-size: 13px; white-space: normal;
          min-width: 180px; max-width: 300px; }
        .swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 7px; }
        figure { margin: 0 0 18px; background: #fff; border: 1px solid var(--line); border-radius: 8px;
          padding: 8px 8px 4px; }
        figcaption { color: var(--muted); font-size: 13px; padding: 0 12px 6px; }
        svg.chart { display: block; width: 100%; height: auto; }
        .chart .plot { fill: #fcfdfe; stroke: none; }
        .chart .grid { stroke: #e3e7ec; stroke-width: 1; }
        .chart .axis, .chart .tick-mark { stroke: #8a96a3; stroke-width: 1; }
        .chart text { font-family: system-ui, "DejaVu Sans", sans-serif; fill: #3e4c5c; }
        .chart .tick { font-size: 12px; }
        .chart .axis-label { font-size: 13px; fill: #5f6b7a; }
        .chart .chart-title { font-size: 17px; font-weight: 700; fill: #1f2933; }
        .chart .legend-label { font-size: 13px; }
        .chart .reference-label { font-size: 12px; font-weight: 600; }
        .break-even { background: #fff8e6; border: 1px solid #f0d48a; border-radius: 8px; padding: 12px 16px; }
        #assumptions ul { background: #fff; border: 1px solid var(--line); border-radius: 8px; margin: 0;
          padding: 12px 16px 12px 36px; }
        #assumptions li { margin: 4px 0; }

        """
}
