"""JUnit XML for CI systems: one test case per day and check (plus the run's own checks), one
suite per station.

A case fails when its check found an error; warnings go to the case's system-out, so a CI
dashboard shows them without failing the build. A run that could not check is one error case.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from junitparser import Error, Failure, JUnitXml, TestCase, TestSuite

from ..findings import DAY_FAMILIES, LIBRETIME_DAY_FAMILIES, LIBRETIME_RUN_FAMILIES, RUN_FAMILIES, Finding, Severity
from ..result import CheckResult


def _case(name: str, classname: str, findings: list[Finding]) -> TestCase:
    case = TestCase(name, classname=classname)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    warnings = [f for f in findings if f.severity is Severity.WARNING]
    if errors:
        failure = Failure(f"{len(errors)} error(s): {errors[0].message}", type_=errors[0].kind.value)
        failure.text = "\n".join(f"{f.kind.value}: {f.message}" for f in errors)
        case.result = [failure]
    if warnings:
        case.system_out = "\n".join(f"warning {f.kind.value}: {f.message}" for f in warnings)
    return case


def suite(result: CheckResult) -> TestSuite:
    name = f"schedule check {result.first} to {result.last}"
    out = TestSuite(f"{result.station}: {name}" if result.station else name)
    out.timestamp = result.checked_at.isoformat()
    out.time = round(result.duration_s, 3)
    runs, days = (
        (LIBRETIME_RUN_FAMILIES, LIBRETIME_DAY_FAMILIES) if result.libretime_only else (RUN_FAMILIES, DAY_FAMILIES)
    )
    prefix = f"{result.station}." if result.station else ""
    for family in runs:
        out.add_testcase(_case(family, f"{prefix}station", [f for f in result.findings if f.kind.family == family]))
    for day in result.days:
        for family in days:
            out.add_testcase(
                _case(family, f"{prefix}day.{day.date}", [f for f in day.findings if f.kind.family == family])
            )
    if result.error:
        case = TestCase("the check could finish", classname=f"{prefix}station")
        case.result = [Error(result.error, type_="cannot_check")]
        out.add_testcase(case)
    out.update_statistics()
    return out


def render(results: Sequence[CheckResult], previous: Path | None = None, many: bool = False) -> str:
    xml = JUnitXml("librelog-verify check")
    for result in results:
        xml.add_testsuite(suite(result))
    xml.update_statistics()
    text = xml.tostring()
    return (text.decode() if isinstance(text, bytes) else text) + "\n"
