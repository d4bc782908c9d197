"""Prometheus text exposition for node_exporter's textfile collector: alerting stays the station's.

Every kind is exported, at 0 when nothing was found, so an alert rule never waits on a series
that does not exist yet. ``librelog_check_up`` is 0 when the check could not finish; the last
success timestamp then carries over from the file this output replaces.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from prometheus_client import CollectorRegistry, Gauge, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from ..findings import Kind
from ..result import CheckResult

LAST_SUCCESS = "librelog_check_last_success_timestamp_seconds"


def _previous_success(previous: Path | None) -> float | None:
    if previous is None or not previous.is_file():
        return None
    try:
        for family in text_string_to_metric_families(previous.read_text(encoding="utf-8")):
            for sample in family.samples:
                if sample.name == LAST_SUCCESS:
                    return sample.value
    except (OSError, ValueError):
        return None  # an unreadable earlier file: no carried-over value
    return None


def render(result: CheckResult, previous: Path | None = None) -> str:
    registry = CollectorRegistry()
    findings = Gauge(
        "librelog_check_findings", "Findings of the last schedule check", ["severity", "kind"], registry=registry
    )
    counts = Counter(f.kind for f in result.all_findings())
    for kind in Kind:
        findings.labels(kind.severity.value, kind.value).set(counts[kind])
    Gauge("librelog_check_up", "1 when the last check could read everything it needed", registry=registry).set(
        0 if result.error else 1
    )
    Gauge("librelog_check_days_checked", "Days the last check covered", registry=registry).set(len(result.days))
    Gauge("librelog_check_duration_seconds", "How long the last check took", registry=registry).set(result.duration_s)
    Gauge("librelog_check_requests", "GET requests the last check sent", registry=registry).set(result.requests)
    success = result.checked_at.timestamp() if not result.error else _previous_success(previous)
    if success is not None:
        Gauge(LAST_SUCCESS, "When a check last finished reading everything", registry=registry).set(success)
    return generate_latest(registry).decode()
