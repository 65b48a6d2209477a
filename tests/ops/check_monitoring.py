#!/usr/bin/env python3
"""Checks k8s/monitoring/: the Grafana dashboard and the Prometheus scrape configuration.

    python3 tests/ops/check_monitoring.py [--database postgres://...]

A dashboard fails silently: a panel whose query names a metric, label or column that does not
exist just shows "No data". So every PromQL expression is checked against the metrics the Swift
sources really create (name, Prometheus type, labels, literal label values), and, given a
database created by selfheal's own migrations, every SQL query is run against it, over a few
rows inserted here, and must return rows. Without --database the SQL part is skipped, and said so.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import yaml

from opscheck import REPO, Checks, database_url, exported_metrics, role_names, route_templates

MONITORING = REPO / "k8s" / "monitoring"
DASHBOARD = MONITORING / "grafana-dashboard.json"

# Panels SEED.md lists (plus one for prompt status changes); a lost panel is a lost view.
REQUIRED_PANELS = [
    "Average score", "Pass rate", "Evaluations per 5 min", "Current prompt version", "Average response time",
    "Optimizer runs", "Score trend by task type", "Score histogram", "Pass / fail over time", "Pass / fail",
    "Average score by task type", "Rule vs LLM score", "Latency P50 / P95 / P99", "Failure rate (last hour)",
    "Error count", "Requests per service", "Last 100 executions", "Failures by task type", "Optimizer history",
    "Average score per prompt version", "Active prompts",
]
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")
# Labels Prometheus itself attaches to every scraped series (see prometheus.yml).
TARGET_LABELS = {"job", "instance", "service", "pod", "namespace"}
_SELECTOR = re.compile(r"\b(selfheal_[a-z0-9_]+)\s*(\{[^}]*\})?\s*(\[)?")
_MATCHER = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*\"([^\"]*)\"")
_GROUPING = re.compile(r"\b(?:by|without)\s*\(([^)]*)\)")


def panels_of(dashboard: dict) -> list[dict]:
    out = []
    for panel in dashboard.get("panels", []):
        out.append(panel)
        out.extend(panel.get("panels", []))  # collapsed rows keep their panels inside
    return out


def check_dashboard_shape(checks: Checks, dashboard: dict) -> None:
    panels = [p for p in panels_of(dashboard) if p.get("type") != "row"]
    checks.expect(dashboard.get("refresh") == "30s", "the dashboard refreshes every 30 s", f"refresh {dashboard.get('refresh')!r}")
    titles = [p.get("title") for p in panels]
    checks.expect_empty([t for t in REQUIRED_PANELS if t not in titles], f"the dashboard has all {len(REQUIRED_PANELS)} required panels")
    checks.expect_empty(sorted({t for t in titles if titles.count(t) > 1}), "panel titles are unique")
    ids = [p.get("id") for p in panels_of(dashboard)]
    checks.expect(len(ids) == len(set(ids)) and None not in ids, "panel ids are unique")

    variables = {v["name"]: v for v in dashboard.get("templating", {}).get("list", []) if v.get("type") == "datasource"}
    checks.expect(
        variables.get("prometheus", {}).get("query") == "prometheus"
        and variables.get("postgres", {}).get("query") in ("grafana-postgresql-datasource", "postgres"),
        "the dashboard asks for a Prometheus and a PostgreSQL data source",
    )
    problems = []
    for panel in panels:
        for target in panel.get("targets", []):
            source = target.get("datasource") or panel.get("datasource") or {}
            uid = source.get("uid", "")
            if "expr" in target and uid != "${prometheus}":
                problems.append(f"{panel['title']}: PromQL on data source {uid!r}")
            elif "rawSql" in target and uid != "${postgres}":
                problems.append(f"{panel['title']}: SQL on data source {uid!r}")
            elif "expr" not in target and "rawSql" not in target:
                problems.append(f"{panel['title']}: a target with neither expr nor rawSql")
        if not panel.get("targets"):
            problems.append(f"{panel['title']}: no query")
    checks.expect_empty(problems, "every query runs on the data source its language needs")

    # Overlapping panels render on top of each other.
    cells: dict[tuple[int, int], str] = {}
    overlaps = set()
    for panel in panels_of(dashboard):
        g = panel.get("gridPos", {})
        for x in range(g.get("x", 0), g.get("x", 0) + g.get("w", 0)):
            for y in range(g.get("y", 0), g.get("y", 0) + g.get("h", 0)):
                if (x, y) in cells and cells[(x, y)] != panel["title"]:
                    overlaps.add(f"{cells[(x, y)]} / {panel['title']}")
                cells[(x, y)] = panel["title"]
    bad_width = [p["title"] for p in panels_of(dashboard) if p.get("gridPos", {}).get("x", 0) + p.get("gridPos", {}).get("w", 0) > 24]
    checks.expect_empty(sorted(overlaps) + bad_width, "panels neither overlap nor exceed the 24-column grid")

    score = next((p for p in panels if p.get("title") == "Average score"), {})
    steps = score.get("fieldConfig", {}).get("defaults", {}).get("thresholds", {}).get("steps", [])
    checks.expect(
        [s.get("color") for s in steps] == ["red", "yellow", "green"] and score.get("type") == "stat",
        "Average score is a stat coloured red / yellow / green", f"steps {steps}",
    )


def promql_targets(dashboard: dict) -> list[tuple[str, str]]:
    return [(p["title"], t["expr"]) for p in panels_of(dashboard) for t in p.get("targets", []) if "expr" in t]


def check_promql(checks: Checks, dashboard: dict) -> None:
    metrics = exported_metrics()
    checks.expect(len(metrics) >= 10, f"found the metrics selfheal creates in Sources/ ({len(metrics)})", "the source scan found too few")
    # Values of labels computed at run time that still form a fixed set.
    known_values = {"passed": {"true", "false"}, "role": role_names(), "route": route_templates()}

    unknown, wrong_type, bad_labels, bad_values, no_range, quantiles = [], [], [], [], [], []
    for title, expr in promql_targets(dashboard):
        used_labels: set[str] = set()
        for name, braces, bracket in _SELECTOR.findall(expr):
            base, suffix = name, ""
            for candidate in HISTOGRAM_SUFFIXES:
                if name.endswith(candidate) and name[: -len(candidate)] in metrics and metrics[name[: -len(candidate)]].kind == "histogram":
                    base, suffix = name[: -len(candidate)], candidate
            metric = metrics.get(base)
            if metric is None:
                unknown.append(f"{title}: {name}")
                continue
            if metric.kind == "histogram" and not suffix:
                wrong_type.append(f"{title}: {name} is a histogram; only {name}_bucket/_sum/_count exist")
            if metric.kind in ("counter", "histogram") and not bracket:
                no_range.append(f"{title}: {name} is cumulative; use rate() or increase() over a range")
            labels = metric.labels | TARGET_LABELS | ({"le"} if suffix == "_bucket" else set())
            used_labels |= labels
            for label, op, value in _MATCHER.findall(braces or ""):
                if label not in labels:
                    bad_labels.append(f"{title}: {name} has no label {label!r} (it has {sorted(metric.labels)})")
                    continue
                if label in metric.dynamic:
                    # Computed at run time: checkable only when the values form a known set.
                    allowed = known_values.get(label)
                    if allowed is None:
                        continue
                    allowed = allowed | metric.literal_values.get(label, set())
                else:
                    allowed = metric.literal_values.get(label, set())
                alternatives = value.split("|") if op in ("=~", "!~") and re.fullmatch(r"[\w/.:|-]+", value) else ([value] if op in ("=", "!=") else [])
                bad_values += [f"{title}: {label}={v!r} never occurs (known: {sorted(allowed)})" for v in alternatives if v not in allowed]
        for group in _GROUPING.findall(expr):
            for label in filter(None, (g.strip() for g in group.split(","))):
                if label not in used_labels:
                    bad_labels.append(f"{title}: grouping by {label!r}, which no metric of the expression has")
        if "histogram_quantile" in expr and not ("_bucket" in expr and re.search(r"by\s*\([^)]*\ble\b", expr)):
            quantiles.append(f"{title}: histogram_quantile needs a _bucket series summed by le")
    count = len(promql_targets(dashboard))
    checks.expect(count > 0, f"the dashboard has PromQL queries ({count})")
    checks.expect_empty(unknown, "every metric a PromQL query names is one selfheal exports")
    checks.expect_empty(wrong_type, "histograms are queried through _bucket, _sum and _count only")
    checks.expect_empty(no_range, "counters and histogram series are read through rate()/increase()")
    checks.expect_empty(bad_labels, "every label a query filters or groups by exists on its metric")
    checks.expect_empty(bad_values, "every fixed label value a query matches is one selfheal emits")
    checks.expect_empty(quantiles, "latency quantiles come from _bucket series grouped by le")


# ---- SQL -------------------------------------------------------------------------------------

def expand_macros(sql: str) -> str:
    """Grafana's PostgreSQL macros, expanded as Grafana would for the last six hours."""
    def bucket(match: re.Match, alias: bool) -> str:
        column, interval = match.group(1).strip(), match.group(2).strip().strip("'\"")
        seconds = int(interval[:-1]) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[interval[-1]]
        expression = f"floor(extract(epoch from {column})/{seconds})*{seconds}"
        return expression + (' AS "time"' if alias else "")
    sql = re.sub(r"\$__timeGroupAlias\(([^,]+),([^)]+)\)", lambda m: bucket(m, True), sql)
    sql = re.sub(r"\$__timeGroup\(([^,]+),([^)]+)\)", lambda m: bucket(m, False), sql)
    sql = re.sub(r"\$__timeFilter\(([^)]+)\)", r"(\1 BETWEEN now() - interval '6 hours' AND now())", sql)
    sql = sql.replace("$__timeFrom()", "(now() - interval '6 hours')").replace("$__timeTo()", "now()")
    return sql


# Rows every panel can show: a passing and a failing evaluation, an errored request, an optimizer
# decision and a status change, all recent and tied to an active prompt (the one selfheal seeded,
# or one added here when the schema came without seeds).
SAMPLE_ROWS = """
INSERT INTO prompts (task_type, version, text, status, author, reason, created_at)
SELECT 'code_generation', 1, 'You write Python.', 'active', 'seed', 'ops check', now()
WHERE NOT EXISTS (SELECT 1 FROM prompts WHERE status = 'active');
INSERT INTO execution_logs (request_id, task_type, user_input, status, prompt_id, prompt_version,
    rule_score, judge_score, final_score, passed, latency_total_ms, llm_provider, rules_version, created_at)
SELECT 'ops-' || n, p.task_type, 'write a function', CASE WHEN n = 3 THEN 'worker_error' ELSE 'ok' END,
    p.id, p.version, s.rule, s.judge, s.final, n = 1, 100 * n, 'simulated', 'ops', now() - n * interval '1 minute'
FROM prompts p, (VALUES (1, 0.9, 0.8, 0.84), (2, 0.3, 0.2, 0.24), (3, NULL, NULL, NULL)) AS s(n, rule, judge, final)
WHERE p.status = 'active';
INSERT INTO optimizer_runs (task_type, decision, trigger, prompt_id, details, created_at)
SELECT task_type, 'no_action', 'ops check', id, '{}', now() FROM prompts WHERE status = 'active';
INSERT INTO prompt_status_history (prompt_id, status, reason, at)
SELECT id, status, 'ops check', now() FROM prompts WHERE status = 'active';
"""


def psql(url: str, sql: str) -> subprocess.CompletedProcess:
    return subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url, "-c", sql], capture_output=True, text=True)


def check_sql(checks: Checks, dashboard: dict, url: str | None) -> None:
    queries = [(p["title"], t["rawSql"]) for p in panels_of(dashboard) for t in p.get("targets", []) if "rawSql" in t]
    checks.expect(len(queries) > 0, f"the dashboard has SQL queries ({len(queries)})")
    if not url:
        print("SKIP SQL queries against PostgreSQL: no --database given")
        return
    if not shutil.which("psql"):
        checks.fail("SQL queries against PostgreSQL", "psql is not installed")
        return
    tables = psql(url, "SELECT count(*) FROM information_schema.tables WHERE table_name IN "
                       "('prompts', 'prompt_status_history', 'execution_logs', 'optimizer_runs')")
    if not checks.expect(tables.returncode == 0 and tables.stdout.strip() == "4",
                         "the database has selfheal's tables", tables.stderr.strip() or f"{tables.stdout.strip()} of 4 tables"):
        return
    seeded = psql(url, SAMPLE_ROWS)
    if not checks.expect(seeded.returncode == 0, "sample rows fit the schema", seeded.stderr.strip()):
        return
    for title, raw in queries:
        sql = expand_macros(raw)
        leftover = re.findall(r"\$\{?\w+", sql)
        if leftover:
            checks.fail(f"SQL of {title!r}", f"unexpanded Grafana macro or variable {leftover}")
            continue
        run = psql(url, f"SELECT count(*) FROM ({sql}) AS panel")
        if run.returncode != 0:
            checks.fail(f"SQL of {title!r} runs on selfheal's schema", run.stderr.strip())
        else:
            checks.expect(run.stdout.strip() not in ("", "0"), f"SQL of {title!r} runs on selfheal's schema and returns rows", "no rows over the sample data")


# ---- Prometheus ------------------------------------------------------------------------------

def check_prometheus_config(checks: Checks) -> None:
    config = yaml.safe_load((MONITORING / "prometheus.yml").read_text(encoding="utf-8"))
    jobs = {job["job_name"]: job for job in config.get("scrape_configs", [])}
    pods = next((j for j in jobs.values() if any(sd.get("role") == "pod" for sd in j.get("kubernetes_sd_configs", []))), None)
    if checks.expect(pods is not None, "prometheus.yml discovers pods with kubernetes_sd_configs"):
        sd = pods["kubernetes_sd_configs"][0]
        checks.expect("agent-system" in sd.get("namespaces", {}).get("names", []), "pod discovery looks in namespace agent-system")
        relabel = pods.get("relabel_configs", [])
        def uses(annotation: str, action: str | None = None, target: str | None = None) -> bool:
            source = f"__meta_kubernetes_pod_annotation_{annotation}"
            return any(source in r.get("source_labels", []) and (action is None or r.get("action") == action)
                       and (target is None or r.get("target_label") == target) for r in relabel)
        checks.expect(uses("prometheus_io_scrape", "keep"), "only pods annotated prometheus.io/scrape are kept")
        checks.expect(uses("prometheus_io_path", target="__metrics_path__"), "the prometheus.io/path annotation sets the metrics path")
        checks.expect(uses("prometheus_io_port", target="__address__"), "the prometheus.io/port annotation sets the scraped port")
        # The port rewrite, applied as Prometheus would to a pod address and annotation.
        port_rule = next(r for r in relabel if "__meta_kubernetes_pod_annotation_prometheus_io_port" in r.get("source_labels", []))
        joined = "10.0.0.7:8080;8002"
        rewritten = re.sub("^(?:" + port_rule["regex"] + ")$", port_rule["replacement"].replace("$", "\\"), joined)
        checks.expect(rewritten == "10.0.0.7:8002", "the port rewrite turns pod address + annotation into ip:port", f"got {rewritten!r}")
    static = [t for j in jobs.values() for sc in j.get("static_configs", []) for t in sc.get("targets", [])]
    checks.expect(
        {t.rsplit(":", 1)[-1] for t in static} >= {"8000", "8001", "8002"},
        "a static job scrapes the three roles' ports for local use", f"targets {static}",
    )
    promtool = shutil.which("promtool")
    if not promtool:
        print("SKIP promtool check config: promtool not installed (apt-get install prometheus)")
        return
    # Debian's Prometheus is built without Kubernetes discovery, so promtool there rejects
    # kubernetes_sd_configs: check the rest of the file with it (the pod job is checked above).
    probe = subprocess.run([promtool, "--version"], capture_output=True, text=True)
    portable = dict(config, scrape_configs=[j for j in config["scrape_configs"] if "kubernetes_sd_configs" not in j])
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as handle:
        yaml.safe_dump(portable, handle)
    for candidate, label in ((MONITORING / "prometheus.yml", "prometheus.yml"), (Path(handle.name), "prometheus.yml without the kubernetes_sd job")):
        run = subprocess.run([promtool, "check", "config", str(candidate)], capture_output=True, text=True)
        if run.returncode == 0:
            checks.ok(f"promtool check config: {label}")
            break
        if "kubernetes_sd_configs not found" not in run.stdout + run.stderr:
            checks.fail(f"promtool check config: {label}", (run.stdout + run.stderr).strip()[-400:])
            break
        print(f"NOTE promtool ({probe.stdout.split(chr(10))[0]}) lacks Kubernetes discovery; checking the rest")
    Path(handle.name).unlink(missing_ok=True)


def main() -> None:
    checks = Checks("k8s/monitoring: Grafana dashboard, Prometheus configuration")
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    check_dashboard_shape(checks, dashboard)
    check_promql(checks, dashboard)
    check_sql(checks, dashboard, database_url())
    check_prometheus_config(checks)
    checks.finish()


if __name__ == "__main__":
    main()
