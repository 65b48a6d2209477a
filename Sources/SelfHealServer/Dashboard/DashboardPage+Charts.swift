extension DashboardPage {
    /// Chart drawing in plain SVG: a time-series line chart, stacked time bars, a histogram and
    /// an event time line. Each mark carries `data-*` attributes with the numbers it shows, so a
    /// test (or a curious operator in the inspector) can check what was drawn.
    static let charts = #"""
        'use strict';
        const SVGNS = 'http://www.w3.org/2000/svg';
        const PALETTE = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2', '#4b5563'];
        // Charts are drawn in a viewBox `f.w` wide and `f.h` high and scaled to their card's width.
        const PAD = { left: 40, right: 12, top: 22, bottom: 26 };

        function svgNode(tag, attrs, text) {
          const node = document.createElementNS(SVGNS, tag);
          for (const key of Object.keys(attrs || {})) node.setAttribute(key, String(attrs[key]));
          if (text != null) node.textContent = text;
          return node;
        }
        function titled(node, text) { node.appendChild(svgNode('title', {}, text)); return node; }
        function clearNode(node) { while (node.firstChild) node.removeChild(node.firstChild); }
        function emptyChart(container, message) {
          clearNode(container);
          const div = document.createElement('div');
          div.className = 'empty';
          div.textContent = message;
          container.appendChild(div);
        }
        function newSVG(container, f) {
          clearNode(container);
          const root = svgNode('svg', { viewBox: '0 0 ' + f.w + ' ' + f.h, role: 'img' });
          container.appendChild(root);
          return root;
        }
        function clockLabel(ms, spanMs) {
          const d = new Date(ms);
          const hm = String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
          if (spanMs <= 36 * 3600 * 1000) return hm;
          return (d.getMonth() + 1) + '/' + d.getDate() + ' ' + hm;
        }
        // A time axis from x0 to x1 (ms) with five labels, and the scale that maps time to x.
        function timeAxis(root, f, x0, x1) {
          const scale = t => PAD.left + (f.w - PAD.left - PAD.right) * (x1 > x0 ? (t - x0) / (x1 - x0) : 0.5);
          const axis = root.appendChild(svgNode('g', { class: 'axis' }));
          axis.appendChild(svgNode('line', { x1: PAD.left, x2: f.w - PAD.right, y1: f.h - PAD.bottom, y2: f.h - PAD.bottom }));
          for (let i = 0; i <= 4; i++) {
            const t = x0 + (x1 - x0) * i / 4;
            const anchor = i === 0 ? 'start' : i === 4 ? 'end' : 'middle';
            axis.appendChild(svgNode('text', { x: scale(t), y: f.h - 8, 'text-anchor': anchor }, clockLabel(t, x1 - x0)));
          }
          return scale;
        }
        function valueAxis(root, f, max, format) {
          const scale = v => f.h - PAD.bottom - (f.h - PAD.top - PAD.bottom) * (max > 0 ? v / max : 0);
          const grid = root.appendChild(svgNode('g', { class: 'grid axis' }));
          for (let i = 0; i <= 4; i++) {
            const v = max * i / 4;
            grid.appendChild(svgNode('line', { x1: PAD.left, x2: f.w - PAD.right, y1: scale(v), y2: scale(v) }));
            grid.appendChild(svgNode('text', { x: PAD.left - 6, y: scale(v) + 4, 'text-anchor': 'end' }, format(v)));
          }
          return scale;
        }
        // A count axis ends at a round number so its four ticks are whole and easy to read.
        function roundedMax(max) {
          const rough = Math.max(1, max) / 4;
          const magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
          const step = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map(m => m * magnitude).find(s => s >= rough && Number.isInteger(s));
          return Math.max(1, step) * 4;
        }
        function legend(root, names, colors, y) {
          const g = root.appendChild(svgNode('g', { class: 'legend' }));
          let x = PAD.left;
          names.forEach((name, i) => {
            g.appendChild(svgNode('rect', { x: x, y: y - 9, width: 10, height: 10, fill: colors[i], rx: 2 }));
            g.appendChild(svgNode('text', { x: x + 14, y: y }, name));
            x += 24 + name.length * 6.5;
          });
        }

        // series: [{ name, color, dash?, points: [{ t, v, n }] }]: scores from 0 to 1, with the pass threshold.
        // A point sits at the middle of its bucket, kept inside the window.
        function drawScoreLines(container, series, x0, x1, bucketMs, threshold, emptyMessage) {
          if (!series.some(s => s.points.some(p => p.v != null))) return emptyChart(container, emptyMessage);
          const f = { w: 640, h: 250 };
          const root = newSVG(container, f);
          legend(root, series.map(s => s.name), series.map(s => s.color), 12);
          const y = valueAxis(root, f, 1, v => v.toFixed(2));
          const x = timeAxis(root, f, x0, x1);
          const at = t => x(Math.min(Math.max(t + bucketMs / 2, x0), x1));
          if (threshold != null) {
            titled(root.appendChild(svgNode('line', { class: 'threshold', x1: PAD.left, x2: f.w - PAD.right, y1: y(threshold), y2: y(threshold) })),
              'pass threshold ' + threshold);
          }
          for (const s of series) {
            const pts = s.points.filter(p => p.v != null).sort((a, b) => a.t - b.t);
            if (pts.length > 1) {
              const d = pts.map((p, i) => (i ? 'L' : 'M') + at(p.t).toFixed(1) + ' ' + y(p.v).toFixed(1)).join(' ');
              root.appendChild(svgNode('path', { d: d, fill: 'none', stroke: s.color, 'stroke-width': 2, 'stroke-dasharray': s.dash || 'none' }));
            }
            for (const p of pts) {
              titled(root.appendChild(svgNode('circle', {
                class: 'point', 'data-series': s.name, 'data-start': new Date(p.t).toISOString(),
                'data-value': p.v.toFixed(3), 'data-count': p.n, cx: at(p.t), cy: y(p.v), r: 3.5, fill: s.color,
              })), s.name + ' · ' + clockLabel(p.t, 0) + ' · ' + p.v.toFixed(2) + ' over ' + p.n + ' request(s)');
            }
          }
        }

        // points: [{ t, passed, failed, errors }], each bar one bucket wide, on an axis of whole buckets.
        function drawVolume(container, points, x0, x1, bucketMs) {
          if (points.length === 0) return emptyChart(container, 'no requests in this window');
          const f = { w: 640, h: 250 };
          const root = newSVG(container, f);
          const colors = ['#16a34a', '#dc2626', '#9ca3af'];
          legend(root, ['passed', 'failed', 'errors'], colors, 12);
          const max = roundedMax(Math.max(...points.map(p => p.passed + p.failed + p.errors)));
          const y = valueAxis(root, f, max, v => String(Math.round(v)));
          const first = Math.floor(x0 / bucketMs) * bucketMs, last = Math.floor(x1 / bucketMs) * bucketMs + bucketMs;
          const x = timeAxis(root, f, first, last);
          const width = Math.max(1.5, x(first + bucketMs) - x(first) - 1);
          for (const p of points) {
            let base = 0;
            [['passed', p.passed], ['failed', p.failed], ['errors', p.errors]].forEach(([kind, n], i) => {
              if (n === 0) return;
              titled(root.appendChild(svgNode('rect', {
                class: 'volume', 'data-kind': kind, 'data-start': new Date(p.t).toISOString(), 'data-count': n,
                x: x(p.t), y: y(base + n), width: width, height: y(base) - y(base + n), fill: colors[i],
              })), clockLabel(p.t, 0) + ' · ' + n + ' ' + kind);
              base += n;
            });
          }
        }

        // buckets: [{ lower, upper, count }] from /stats/score-distribution; bars at or above the
        // threshold are green.
        function drawHistogram(container, buckets, threshold) {
          const total = buckets.reduce((sum, b) => sum + b.count, 0);
          if (total === 0) return emptyChart(container, 'no scored requests in this window');
          const f = { w: 420, h: 300 };
          const root = newSVG(container, f);
          const max = roundedMax(Math.max(...buckets.map(b => b.count)));
          const y = valueAxis(root, f, max, v => String(Math.round(v)));
          const x = v => PAD.left + (f.w - PAD.left - PAD.right) * v;
          const axis = root.appendChild(svgNode('g', { class: 'axis' }));
          for (let i = 0; i <= 10; i += 2) {
            axis.appendChild(svgNode('text', { x: x(i / 10), y: f.h - 8, 'text-anchor': 'middle' }, (i / 10).toFixed(1)));
          }
          for (const b of buckets) {
            const passing = threshold != null && b.lower >= threshold;
            const bar = svgNode('rect', {
              class: 'bar', 'data-lower': b.lower.toFixed(1), 'data-upper': b.upper.toFixed(1), 'data-count': b.count,
              x: x(b.lower) + 1, y: y(b.count), width: x(b.upper) - x(b.lower) - 2, height: y(0) - y(b.count),
              fill: passing ? '#16a34a' : '#94a3b8',
            });
            root.appendChild(titled(bar, b.lower.toFixed(1) + '–' + b.upper.toFixed(1) + ': ' + b.count + ' request(s)'));
            if (b.count > 0) {
              root.appendChild(svgNode('text', { class: 'marker-label', x: x((b.lower + b.upper) / 2), y: y(b.count) - 4, 'text-anchor': 'middle' }, b.count));
            }
          }
          if (threshold != null) {
            titled(root.appendChild(svgNode('line', { class: 'threshold', x1: x(threshold), x2: x(threshold), y1: PAD.top, y2: f.h - PAD.bottom })),
              'pass threshold ' + threshold);
          }
        }

        const STATUS_COLORS = { active: '#16a34a', canary: '#d97706', candidate: '#2563eb', retired: '#9ca3af', rejected: '#dc2626', rolled_back: '#dc2626' };
        const DECISION_COLORS = { promoted: '#16a34a', activated: '#16a34a', canary_started: '#d97706', candidate_rejected: '#dc2626',
          canary_rolled_back: '#dc2626', regression_rolled_back: '#dc2626', error: '#7f1d1d' };

        // Events of one moment (a promotion also retires the old version) would be drawn on top of
        // each other: each run of markers closer than `gap` in a lane is spread around its middle,
        // kept inside [left, right]. Returns event -> x.
        function spreadMarkers(events, xOf, left, right) {
          const gap = 9, position = new Map(), lanes = {};
          for (const e of events) (lanes[e.task_type] = lanes[e.task_type] || []).push({ e: e, x: xOf(e) });
          for (const lane of Object.values(lanes)) {
            let run = [];
            const place = () => {
              const middle = run.reduce((sum, m) => sum + m.x, 0) / run.length;
              const width = (run.length - 1) * gap;
              const start = Math.min(Math.max(middle - width / 2, left), right - width);
              run.forEach((m, i) => position.set(m.e, start + i * gap));
              run = [];
            };
            for (const m of lane) {
              if (run.length && m.x - run[run.length - 1].x >= gap) place();
              run.push(m);
            }
            if (run.length) place();
          }
          return position;
        }

        // One lane per task type: circles for prompt status changes, diamonds for optimizer decisions.
        function drawTimeline(container, events, lanes, x0, x1) {
          if (events.length === 0) return emptyChart(container, 'no prompt changes or optimizer decisions in this window');
          const laneHeight = 44, top = 6;
          const f = { w: 1000, h: top + lanes.length * laneHeight + PAD.bottom + 4 };
          const root = newSVG(container, f);
          const x = timeAxis(root, f, x0, x1);
          lanes.forEach((lane, i) => {
            const cy = top + i * laneHeight + laneHeight / 2;
            root.appendChild(svgNode('line', { x1: PAD.left, x2: f.w - PAD.right, y1: cy, y2: cy, stroke: '#e3e7ee' }));
            root.appendChild(svgNode('text', { class: 'marker-label', x: PAD.left, y: cy - 10 }, lane));
          });
          // Markers closer than a label's width share the first one's label; the tooltips keep every detail.
          const position = spreadMarkers(events, e => x(Date.parse(e.at)), PAD.left, f.w - PAD.right);
          const lastLabel = {};
          for (const e of events) {
            const cy = top + lanes.indexOf(e.task_type) * laneHeight + laneHeight / 2;
            const cx = position.get(e);
            const label = e.kind === 'prompt'
              ? 'v' + e.version + ' ' + e.status + (e.author ? ' (' + e.author + ')' : '')
              : 'optimizer: ' + e.decision;
            let mark;
            if (e.kind === 'prompt') {
              mark = svgNode('circle', { cx: cx, cy: cy, r: 6, fill: STATUS_COLORS[e.status] || '#4b5563', stroke: '#fff', 'stroke-width': 1.5 });
              if (lastLabel[e.task_type] == null || cx - lastLabel[e.task_type] > 22) {
                root.appendChild(svgNode('text', { class: 'marker-label', x: cx, y: cy + 18, 'text-anchor': 'middle' }, 'v' + e.version));
                lastLabel[e.task_type] = cx;
              }
            } else {
              const r = 7;
              mark = svgNode('polygon', { points: [cx, cy - r, cx + r, cy, cx, cy + r, cx - r, cy].join(' '),
                fill: DECISION_COLORS[e.decision] || '#4b5563', stroke: '#fff', 'stroke-width': 1.5 });
            }
            mark.setAttribute('class', 'event');
            mark.setAttribute('data-kind', e.kind);
            mark.setAttribute('data-task-type', e.task_type);
            mark.setAttribute('data-label', e.kind === 'prompt' ? e.status : e.decision);
            root.appendChild(titled(mark, clockLabel(Date.parse(e.at), 0) + ' · ' + e.task_type + ' · ' + label + (e.reason ? ' — ' + e.reason : '')));
          }
        }
        """#
}
