"""Prometheus text exposition for node_exporter's textfile collector: alerting stays the station's.

Every kind is exported, at 0 when nothing was found, so an alert rule never waits on a series
that does not exist yet. ``librelog_check_up`` is 0 when the check could not finish; the last
success timestamp then carries over from the file this output replaces. Many stations share one
file, each series labelled with its ``station`` (and each carries its own last success over).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from prometheus_client import CollectorRegistry, Gauge, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from ..findings import Kind
from ..result import CheckResult

LAST_SUCCESS = "librelog_check_last_success_timestamp_seconds"


def _previous_successes(previous: Path | None) -> dict[str, float]:
    """Last successes by station label ("" where the file has none) from the file replaced."""
    if previous is None or not previous.is_file():
        return {}
    found: dict[str, float] = {}
    try:
        for family in text_string_to_metric_families(previous.read_text(encoding="utf-8")):
            for sample in family.samples:
                if sample.name == LAST_SUCCESS:
                    found[sample.labels.get("station", "")] = sample.value
    except (OSError, ValueError):
        return {}  # an unreadable earlier file: no carried-over value
    return found


def _put(gauge: Gauge, labels: list[str], value: float) -> None:
    (gauge.labels(*labels) if labels else gauge).set(value)


def render(results: Sequence[CheckResult], previous: Path | None = None, many: bool = False) -> str:
    registry = CollectorRegistry()
    station = ["station"] if many else []

    def gauge(name: str, text: str, labels: Sequence[str] = ()) -> Gauge:
        return Gauge(name, text, [*station, *labels], registry=registry)

    findings = gauge("librelog_check_findings", "Findings of the last schedule check", ["severity", "kind"])
    up = gauge("librelog_check_up", "1 when the last check could read everything it needed")
    days = gauge("librelog_check_days_checked", "Days the last check covered")
    took = gauge("librelog_check_duration_seconds", "How long the last check took")
    requests = gauge("librelog_check_requests", "GET requests the last check sent")
    last = gauge(LAST_SUCCESS, "When a check last finished reading everything")
    carried = _previous_successes(previous)
    for result in results:
        name = [result.station or ""] if many else []
        counts = Counter(f.kind for f in result.all_findings())
        for kind in Kind:
            findings.labels(*name, kind.severity.value, kind.value).set(counts[kind])
        _put(up, name, 0 if result.error else 1)
        _put(days, name, len(result.days))
        _put(took, name, result.duration_s)
        _put(requests, name, result.requests)
        success = result.checked_at.timestamp() if not result.error else carried.get(name[0] if name else "")
        if success is not None:
            _put(last, name, success)
    return generate_latest(registry).decode()
