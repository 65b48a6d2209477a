/// The dashboard page: one HTML document with its CSS and JavaScript inline, so it works with no
/// internet access and no static files next to the binary. The browser fetches the stats API of
/// the origin that served it every 10 seconds and draws the charts as inline SVG.
///
/// All text that comes from data (user inputs, rule reasons, judge feedback) is set through
/// `textContent`, never `innerHTML`: a logged prompt-injection attempt must not run as markup.
enum DashboardPage {
    static let html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>selfheal dashboard</title>
        <style>
        \(style)
        </style>
        </head>
        <body data-state="loading">
        \(body)
        <script>
        \(charts)
        \(script)
        </script>
        </body>
        </html>
        """

    /// The layout: every panel has a stable id the script fills and the browser test reads.
    static let body = #"""
        <header>
          <h1>selfheal</h1>
          <span class="subtitle">evaluator dashboard</span>
          <label class="window">window
            <select id="window">
              <option value="0.25">last 15 minutes</option>
              <option value="1">last hour</option>
              <option value="6">last 6 hours</option>
              <option value="24">last 24 hours</option>
              <option value="168">last 7 days</option>
              <option value="720">last 30 days</option>
            </select>
          </label>
          <span id="status" class="status">loading…</span>
        </header>
        <main>
          <section class="kpis">
            <div class="kpi"><div class="label">Requests</div><div class="value" id="kpi-total">–</div><div class="detail" id="kpi-total-detail"></div></div>
            <div class="kpi"><div class="label">Pass rate</div><div class="value" id="kpi-pass-rate">–</div><div class="detail" id="kpi-pass-detail"></div></div>
            <div class="kpi"><div class="label">Average score</div><div class="value" id="kpi-avg-score">–</div><div class="detail" id="kpi-score-detail"></div></div>
            <div class="kpi"><div class="label">Latency</div><div class="value" id="kpi-latency">–</div><div class="detail" id="kpi-latency-detail"></div></div>
            <div class="kpi"><div class="label">Live prompts</div><div class="value small" id="kpi-prompts">–</div></div>
            <div class="kpi"><div class="label">Optimizer runs</div><div class="value" id="kpi-optimizer">–</div><div class="detail" id="kpi-optimizer-detail"></div></div>
          </section>
          <section class="row wide-left">
            <div class="card"><h2>Score trend by task type <span class="hint" id="trend-hint"></span></h2><div id="chart-trend" class="chart"></div></div>
            <div class="card"><h2>Score histogram <span class="hint">final scores</span></h2><div id="chart-histogram" class="chart"></div></div>
          </section>
          <section class="row halves">
            <div class="card"><h2>Rule vs judge score <span class="hint">all task types</span></h2><div id="chart-rules-judge" class="chart"></div></div>
            <div class="card"><h2>Requests over time <span class="hint">passed · failed · errors</span></h2><div id="chart-volume" class="chart"></div></div>
          </section>
          <section class="row">
            <div class="card"><h2>Prompt versions and optimizer decisions <span class="hint" id="timeline-hint"></span></h2>
              <p class="hint legend-line">● prompt status change (green active, amber canary, red rolled back or rejected, grey retired) · ◆ optimizer decision · newest 10 in the table, all on hover</p>
              <div id="chart-timeline" class="chart"></div>
              <table class="table" id="events-table"><thead><tr><th>time</th><th>task type</th><th>event</th><th>version</th><th>reason</th></tr></thead><tbody></tbody></table>
            </div>
          </section>
          <section class="row halves">
            <div class="card"><h2>By task type</h2>
              <table class="table" id="task-types-table"><thead><tr><th>task type</th><th>requests</th><th>passed</th><th>failed</th><th>errors</th><th>pass rate</th><th>avg score</th><th>avg latency</th></tr></thead><tbody></tbody></table>
            </div>
            <div class="card"><h2>Prompt versions in use</h2>
              <table class="table" id="prompts-table"><thead><tr><th>task type</th><th>version</th><th>status</th><th>requests</th><th>pass rate</th><th>avg score</th><th>last used</th></tr></thead><tbody></tbody></table>
            </div>
          </section>
          <section class="row">
            <div class="card"><h2>Recent failures <span class="hint">newest first, with what made them fail</span></h2>
              <table class="table failures" id="failures-table"><thead><tr><th>time</th><th>task type</th><th>prompt</th><th>score</th><th>request and reasons</th></tr></thead><tbody></tbody></table>
            </div>
          </section>
        </main>
        """#
}
