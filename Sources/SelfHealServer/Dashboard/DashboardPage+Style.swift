extension DashboardPage {
    /// Light theme sized for a laptop screen: six figures across the top, charts two per row.
    static let style = #"""
        :root {
          --bg: #f4f6f9; --card: #ffffff; --ink: #1c2430; --muted: #667085; --line: #e3e7ee;
          --good: #15803d; --warn: #b45309; --bad: #b91c1c; --accent: #2563eb;
        }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--ink);
          font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
        header { display: flex; align-items: baseline; gap: 16px; padding: 14px 24px;
          background: #1c2430; color: #fff; position: sticky; top: 0; z-index: 2; }
        header h1 { margin: 0; font-size: 20px; letter-spacing: .5px; }
        header .subtitle { color: #b8c2d3; }
        header .window { margin-left: auto; color: #b8c2d3; }
        header select { margin-left: 6px; font: inherit; }
        .status { color: #b8c2d3; min-width: 180px; text-align: right; }
        body[data-state="error"] .status { color: #fca5a5; font-weight: 600; }
        main { max-width: 1440px; margin: 0 auto; padding: 16px 24px 40px; }
        .kpis { display: grid; grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 12px; }
        .kpi, .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
        .kpi { padding: 12px 14px; }
        .kpi .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .6px; }
        .kpi .value { font-size: 30px; font-weight: 650; margin: 2px 0; font-variant-numeric: tabular-nums; }
        .kpi .value.small { font-size: 15px; font-weight: 500; line-height: 1.6; }
        .kpi .detail { color: var(--muted); font-size: 12px; min-height: 16px; }
        .good { color: var(--good); } .warn { color: var(--warn); } .bad { color: var(--bad); }
        .row { display: grid; gap: 12px; margin-top: 12px; grid-template-columns: minmax(0, 1fr); }
        .row.wide-left { grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); }
        .row.halves { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
        @media (max-width: 1000px) {
          .kpis { grid-template-columns: repeat(3, minmax(0, 1fr)); }
          .row.wide-left, .row.halves { grid-template-columns: minmax(0, 1fr); }
        }
        .card { padding: 12px 16px; min-width: 0; }
        .card h2 { font-size: 15px; margin: 0 0 8px; }
        .hint { color: var(--muted); font-weight: 400; font-size: 12px; margin-left: 6px; }
        .legend-line { margin: 0 0 4px; }
        .chart svg { width: 100%; height: auto; display: block; }
        .chart .empty { color: var(--muted); padding: 40px 0; text-align: center; }
        .axis text, .legend text, .marker-label { font-size: 11px; fill: var(--muted); }
        .axis line, .grid line { stroke: var(--line); }
        .threshold { stroke: var(--bad); stroke-dasharray: 5 4; stroke-width: 1; }
        .table { width: 100%; border-collapse: collapse; font-size: 13px; margin-top: 6px; }
        .table th { text-align: left; color: var(--muted); font-weight: 500; border-bottom: 1px solid var(--line); padding: 4px 6px; }
        .table td { border-bottom: 1px solid var(--line); padding: 5px 6px; vertical-align: top; }
        .table td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .table .empty td { color: var(--muted); text-align: center; }
        .chip { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; background: #eef2f7; margin: 1px 2px; }
        .chip.active, .chip.promoted, .chip.activated { background: #dcfce7; color: var(--good); }
        .chip.canary, .chip.canary_started { background: #fef3c7; color: var(--warn); }
        .chip.rolled_back, .chip.rejected, .chip.canary_rolled_back, .chip.regression_rolled_back,
        .chip.candidate_rejected, .chip.error { background: #fee2e2; color: var(--bad); }
        .failures .input { color: var(--ink); max-width: 820px; overflow-wrap: anywhere; }
        .failures ul { margin: 4px 0 0; padding-left: 18px; color: var(--muted); }
        .failures li { overflow-wrap: anywhere; }
        .failures .reason-rule b { color: var(--bad); font-weight: 600; }
        """#
}
