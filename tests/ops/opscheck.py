"""Shared helpers of the ops checks (tests/ops/check_*.py).

Each check script records named results with `Checks.ok/fail`, prints one line per check and
ends with "N passed, M failed" (scripts/ops-test.sh adds those lines up).

What selfheal really exports and reads is taken from the Swift sources, never from a list kept
here: a manifest or a dashboard that names a metric, label or environment variable the code
does not have is exactly the mistake these checks exist to catch.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / "Sources"


class Checks:
    """Collects pass/fail results and prints them as they happen."""

    def __init__(self, title: str):
        self.title = title
        self.passed = 0
        self.failed = 0
        print(f"== {title}")

    def ok(self, name: str) -> None:
        self.passed += 1
        print(f"PASS {name}")

    def fail(self, name: str, why: str) -> None:
        self.failed += 1
        print(f"FAIL {name}: {why}")

    def expect(self, condition: bool, name: str, why: str = "") -> bool:
        if condition:
            self.ok(name)
        else:
            self.fail(name, why or "not as expected")
        return condition

    def expect_empty(self, problems: list[str], name: str) -> bool:
        """One check that lists every problem found, so a run shows all of them at once."""
        return self.expect(not problems, name, "; ".join(problems))

    def finish(self) -> None:
        print(f"{self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)


def swift_files() -> list[Path]:
    return sorted(SOURCES.rglob("*.swift"))


# ---- metrics ---------------------------------------------------------------------------------

# swift-metrics types and what swift-prometheus 2.4.1 makes of them: Timers and aggregating
# Recorders become histograms (`_bucket`, `_sum`, `_count`), Counters keep their name as is
# (no `_total` added), Gauges and non-aggregating Recorders become gauges.
_METRIC_CALL = re.compile(
    r"\b(?:Metrics\.)?(Counter|FloatingPointCounter|Timer|Recorder|Gauge|Meter)\(\s*label:\s*\"(selfheal_[a-z0-9_]+)\"([^\n]*)"
)
_LITERAL_DIMENSION = re.compile(r"\(\s*\"([a-z_]+)\"\s*,\s*\"([^\"]*)\"\s*\)")
_DIMENSION = re.compile(r"\(\s*\"([a-z_]+)\"\s*,")


@dataclass
class Metric:
    name: str
    kind: str  # counter, gauge or histogram
    labels: set[str] = field(default_factory=set)
    # Values seen as string literals per label; a label in `dynamic` also takes computed values.
    literal_values: dict[str, set[str]] = field(default_factory=dict)
    dynamic: set[str] = field(default_factory=set)
    where: list[str] = field(default_factory=list)


def exported_metrics() -> dict[str, Metric]:
    """Every `selfheal_*` metric created in Sources/, with its Prometheus type and labels."""
    metrics: dict[str, Metric] = {}
    for path in swift_files():
        text = path.read_text(encoding="utf-8")
        for match in _METRIC_CALL.finditer(text):
            swift_type, name, rest = match.groups()
            if swift_type in ("Counter", "FloatingPointCounter"):
                kind = "counter"
            elif swift_type == "Timer":
                kind = "histogram"
            elif swift_type == "Recorder":
                # swift-metrics' Recorder aggregates unless told otherwise.
                kind = "gauge" if re.search(r"aggregate:\s*false", rest) else "histogram"
            else:
                kind = "gauge"
            metric = metrics.setdefault(name, Metric(name, kind))
            if metric.kind != kind:
                metric.kind = f"conflict({metric.kind},{kind})"
            dimensions = rest.split("]")[0] if "dimensions:" in rest else ""
            for label in _DIMENSION.findall(dimensions):
                metric.labels.add(label)
            literal = dict(_LITERAL_DIMENSION.findall(dimensions))
            for label in _DIMENSION.findall(dimensions):
                if label in literal:
                    metric.literal_values.setdefault(label, set()).add(literal[label])
                else:
                    metric.dynamic.add(label)
            line = text.count("\n", 0, match.start()) + 1
            metric.where.append(f"{path.relative_to(REPO)}:{line}")
    return metrics


def role_names() -> set[str]:
    text = (SOURCES / "SelfHealServer/App/Role.swift").read_text(encoding="utf-8")
    return set(re.findall(r"^\s*case\s+([a-z]+)\s*$", text, re.M))


def route_templates() -> set[str]:
    """Paths the routers register: the values of the `route` label."""
    routes = {"unmatched"}
    for path in swift_files():
        routes.update(re.findall(r"router\.(?:get|post|put|patch|delete|on)\(\s*\"([^\"]+)\"", path.read_text(encoding="utf-8")))
    return routes


# ---- environment -----------------------------------------------------------------------------

_ENV_READ = [
    re.compile(r"Env\.get\(\s*\"([A-Z][A-Z0-9_]+)\"\s*\)"),          # Env.get("NAME")
    re.compile(r"\benv\(\s*\"([A-Z][A-Z0-9_]+)\"\s*\)"),             # env("NAME") in ProviderSelection
    re.compile(r"\.raw\([^,\n]+,\s*\"([A-Z][A-Z0-9_]+)\"\s*\)"),    # command.raw(flag, "NAME")
    re.compile(r"environment\[\s*\"([A-Z][A-Z0-9_]+)\"\s*\]"),        # environment["NAME"]
]


def environment_variables_read() -> set[str]:
    """Environment variables selfheal reads, found at the places it reads them."""
    names: set[str] = set()
    for path in swift_files():
        text = path.read_text(encoding="utf-8")
        for pattern in _ENV_READ:
            names.update(pattern.findall(text))
    return names


def database_url() -> str | None:
    for index, arg in enumerate(sys.argv):
        if arg == "--database" and index + 1 < len(sys.argv):
            return sys.argv[index + 1]
    return os.environ.get("OPS_DATABASE_URL") or None
