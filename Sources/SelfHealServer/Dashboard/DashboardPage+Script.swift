extension DashboardPage {
    /// Fetches the stats API every 10 seconds and fills the panels. A failed refresh keeps the
    /// last data on screen and says so in the header, so a blip does not blank the page.
    static let script = #"""
        const REFRESH_MS = 10000;
        const PASS_THRESHOLD = 0.7;
        const query = new URLSearchParams(location.search);
        // With SELFHEAL_API_KEYS set the stats API wants a bearer token. Open the page as
        // /dashboard#token=KEY: the fragment never leaves the browser, and the key is kept for
        // this tab only (sessionStorage) and taken out of the address bar.
        const TOKEN_KEY = 'selfheal.dashboard.token';
        if (location.hash.startsWith('#token=')) {
          sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(location.hash.slice('#token='.length)));
          history.replaceState(null, '', location.pathname + location.search);
        }
        let hours = Number(query.get('hours')) > 0 ? Number(query.get('hours')) : 24;

        function byId(id) { return document.getElementById(id); }
        function setText(id, text, cls) {
          const node = byId(id);
          node.textContent = text;
          if (cls !== undefined) node.className = node.className.split(' ').filter(c => !['good', 'warn', 'bad'].includes(c)).concat(cls ? [cls] : []).join(' ');
        }
        function score(v) { return v == null ? '–' : v.toFixed(2); }
        function percent(v) { return v == null ? '–' : (v * 100).toFixed(1) + ' %'; }
        function millis(v) { return v == null ? '–' : v < 1000 ? v.toFixed(0) + ' ms' : (v / 1000).toFixed(2) + ' s'; }
        function when(iso) {
          const d = new Date(iso);
          const hm = String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0') + ':' + String(d.getSeconds()).padStart(2, '0');
          return hours > 24 ? (d.getMonth() + 1) + '/' + d.getDate() + ' ' + hm : hm;
        }
        function grade(v, good, warn) { return v == null ? '' : v >= good ? 'good' : v >= warn ? 'warn' : 'bad'; }
        function cell(row, text, cls) {
          const td = document.createElement('td');
          if (text instanceof Node) td.appendChild(text); else td.textContent = text;
          if (cls) td.className = cls;
          row.appendChild(td);
          return td;
        }
        function chip(text, cls) {
          const span = document.createElement('span');
          span.className = 'chip ' + (cls || '');
          span.textContent = text;
          return span;
        }
        function fillTable(id, rows, columns, emptyText, build) {
          const body = byId(id).tBodies[0];
          clearNode(body);
          if (rows.length === 0) {
            const tr = body.insertRow();
            tr.className = 'empty';
            const td = cell(tr, emptyText);
            td.colSpan = columns;
            return;
          }
          for (const row of rows) build(body.insertRow(), row);
        }

        async function getJSON(path) {
          const headers = { Accept: 'application/json' };
          const token = sessionStorage.getItem(TOKEN_KEY);
          if (token) headers.Authorization = 'Bearer ' + token;
          const response = await fetch(path, { cache: 'no-store', headers: headers });
          if (!response.ok) {
            let message = 'HTTP ' + response.status;
            try { const body = await response.json(); if (body.error) message += ': ' + body.error.message; } catch (_) {}
            if (response.status === 401) message += ' (open the page as /dashboard#token=YOUR_KEY)';
            throw new Error(path.split('?')[0] + ' — ' + message);
          }
          return response.json();
        }

        function renderSummary(s) {
          setText('kpi-total', String(s.total));
          setText('kpi-total-detail', s.passed + ' passed · ' + s.failed + ' failed · ' + s.errors + ' errors');
          const evaluated = s.passed + s.failed;
          setText('kpi-pass-rate', evaluated ? percent(s.pass_rate) : '–', evaluated ? grade(s.pass_rate, 0.8, 0.5) : '');
          setText('kpi-pass-detail', evaluated + ' evaluated');
          const avg = s.average_scores || {};
          setText('kpi-avg-score', score(avg.final), grade(avg.final, PASS_THRESHOLD, 0.5));
          setText('kpi-score-detail', 'rules ' + score(avg.rules) + ' · judge ' + score(avg.judge));
          setText('kpi-latency', millis(s.latency_ms.average));
          setText('kpi-latency-detail', 'average · p95 ' + millis(s.latency_ms.p95));
          const prompts = byId('kpi-prompts');
          clearNode(prompts);
          if (!s.active_prompts.length) prompts.textContent = '–';
          for (const p of s.active_prompts) prompts.appendChild(chip(p.task_type + ' v' + p.version, 'active'));
          const runs = s.optimizer_runs;
          setText('kpi-optimizer', String(runs.total));
          setText('kpi-optimizer-detail', Object.keys(runs.by_decision).sort().map(k => runs.by_decision[k] + ' ' + k).join(' · '));
        }

        function renderTimeline(t) {
          const x0 = Date.parse(t.since), x1 = Date.parse(t.until), bucketMs = t.bucket_minutes * 60000;
          const suffix = t.truncated ? ' · newest ' + t.logs + ' requests only' : '';
          setText('trend-hint', 'average final score per ' + t.bucket_minutes + ' min' + suffix);
          const trend = t.series.map((s, i) => ({
            name: s.task_type, color: PALETTE[i % PALETTE.length],
            points: s.points.map(p => ({ t: Date.parse(p.start), v: p.avg_final, n: p.count })),
          }));
          drawScoreLines(byId('chart-trend'), trend, x0, x1, bucketMs, PASS_THRESHOLD, 'no scored requests in this window');
          const pick = key => t.overall.map(p => ({ t: Date.parse(p.start), v: p[key], n: p.count }));
          drawScoreLines(byId('chart-rules-judge'), [
            { name: 'rules', color: '#7c3aed', points: pick('avg_rules') },
            { name: 'judge', color: '#0891b2', points: pick('avg_judge') },
            { name: 'final', color: '#4b5563', dash: '4 3', points: pick('avg_final') },
          ], x0, x1, bucketMs, PASS_THRESHOLD, 'no scored requests in this window');
          drawVolume(byId('chart-volume'), t.overall.map(p => ({ t: Date.parse(p.start), passed: p.passed, failed: p.failed, errors: p.errors })),
            x0, x1, bucketMs);
          const lanes = [...new Set(t.events.map(e => e.task_type))].sort();
          drawTimeline(byId('chart-timeline'), t.events, lanes, x0, x1);
          const quiet = Object.keys(t.quiet_optimizer_runs).sort().map(k => t.quiet_optimizer_runs[k] + ' ' + k);
          setText('timeline-hint', quiet.length ? 'not drawn: ' + quiet.join(', ') + ' optimizer runs' : '');
          const recent = t.events.slice().reverse().slice(0, 10);
          fillTable('events-table', recent, 5, 'nothing happened to the prompts in this window', (tr, e) => {
            cell(tr, when(e.at));
            cell(tr, e.task_type);
            cell(tr, e.kind === 'prompt' ? chip('prompt ' + e.status, e.status) : chip('optimizer ' + e.decision, e.decision));
            cell(tr, e.version != null ? 'v' + e.version : e.prompt_id != null ? '#' + e.prompt_id : '');
            cell(tr, e.reason || '');
          });
        }

        function renderTaskTypes(rows) {
          fillTable('task-types-table', rows, 8, 'no requests in this window', (tr, r) => {
            cell(tr, r.task_type);
            cell(tr, String(r.total), 'num');
            cell(tr, String(r.passed), 'num');
            cell(tr, String(r.failed), 'num');
            cell(tr, String(r.errors), 'num');
            cell(tr, percent(r.pass_rate), 'num ' + grade(r.pass_rate, 0.8, 0.5));
            cell(tr, score(r.avg_final), 'num ' + grade(r.avg_final, PASS_THRESHOLD, 0.5));
            cell(tr, millis(r.avg_latency_ms), 'num');
          });
        }

        function renderPrompts(rows) {
          fillTable('prompts-table', rows, 7, 'no prompt served a request in this window', (tr, p) => {
            cell(tr, p.task_type);
            cell(tr, 'v' + p.version, 'num');
            cell(tr, chip(p.status || 'unknown', p.status));
            cell(tr, String(p.samples), 'num');
            cell(tr, percent(p.pass_rate), 'num ' + grade(p.pass_rate, 0.8, 0.5));
            cell(tr, score(p.avg_score), 'num ' + grade(p.avg_score, PASS_THRESHOLD, 0.5));
            cell(tr, when(p.last_seen));
          });
        }

        // Why a request failed: the verdict's reason, rules below 1, failed required rules, the judge, the run, an error.
        function reasons(f) {
          const list = document.createElement('ul');
          const add = (label, text, cls) => {
            const li = document.createElement('li');
            if (cls) li.className = cls;
            const b = document.createElement('b');
            b.textContent = label;
            li.appendChild(b);
            li.appendChild(document.createTextNode(' ' + text));
            list.appendChild(li);
          };
          if (f.error) add(f.status + ':', f.error);
          if (f.verdict_reason) add('verdict:', f.verdict_reason);
          for (const name of f.failed_required || []) add('required rule failed:', name, 'reason-rule');
          for (const r of f.failed_rules || []) add(r.name + ' (' + r.score.toFixed(2) + '):', r.reason, 'reason-rule');
          if (f.judge_feedback) add('judge:', f.judge_feedback);
          if (f.exec && f.exec.ran && !f.exec.passed) {
            const run = { tests: 'tests:', examples: 'examples:', smoke: 'smoke run:', syntax: 'compile:' }[f.exec.kind] || 'run:';
            add(run, (f.exec.timed_out ? 'timed out' : 'exit ' + f.exec.exit_code) + (f.exec.stderr_tail ? ' — ' + f.exec.stderr_tail.slice(-300) : ''));
          }
          return list;
        }

        function renderFailures(rows) {
          fillTable('failures-table', rows, 5, 'no failures', (tr, f) => {
            tr.setAttribute('data-request-id', f.request_id);
            cell(tr, when(f.created_at));
            cell(tr, f.task_type);
            cell(tr, f.prompt_version != null ? 'v' + f.prompt_version : '–');
            cell(tr, f.final_score != null ? score(f.final_score) : f.status, 'num bad');
            const td = cell(tr, '');
            const input = document.createElement('div');
            input.className = 'input';
            input.textContent = f.user_input.length > 240 ? f.user_input.slice(0, 240) + '…' : f.user_input;
            td.appendChild(input);
            td.appendChild(reasons(f));
          });
        }

        async function refresh() {
          const q = 'hours=' + encodeURIComponent(hours);
          try {
            const [summary, byType, distribution, failures, prompts, timeline] = await Promise.all([
              getJSON('/api/v1/stats/summary?' + q),
              getJSON('/api/v1/stats/by-task-type?' + q),
              getJSON('/api/v1/stats/score-distribution?' + q),
              getJSON('/api/v1/stats/recent-failures?limit=15'),
              getJSON('/api/v1/stats/prompt-performance?' + q),
              getJSON('/api/v1/stats/timeline?' + q),
            ]);
            renderSummary(summary);
            drawHistogram(byId('chart-histogram'), distribution.buckets, PASS_THRESHOLD);
            renderTimeline(timeline);
            renderTaskTypes(byType.task_types);
            renderPrompts(prompts.prompts);
            renderFailures(failures.failures);
            document.body.setAttribute('data-state', 'ready');
            setText('status', 'updated ' + when(new Date().toISOString()) + ' · every ' + REFRESH_MS / 1000 + ' s');
          } catch (error) {
            document.body.setAttribute('data-state', 'error');
            setText('status', 'refresh failed: ' + error.message);
          }
        }

        const picker = byId('window');
        if (![...picker.options].some(o => Number(o.value) === hours)) picker.add(new Option('last ' + hours + ' hours', String(hours)));
        picker.value = [...picker.options].find(o => Number(o.value) === hours).value;
        picker.addEventListener('change', () => {
          hours = Number(picker.value);
          history.replaceState(null, '', '?hours=' + hours);
          refresh();
        });
        refresh();
        setInterval(refresh, REFRESH_MS);
        """#
}
