"""JUnit XML for CI systems: one test case per day and check (plus the run's own checks).

A case fails when its check found an error; warnings go to the case's system-out, so a CI
dashboard shows them without failing the build. A run that could not check is one error case.
"""

from __future__ import annotations

from pathlib import Path

from junitparser import Error, Failure, JUnitXml, TestCase, TestSuite

from ..findings import DAY_FAMILIES, RUN_FAMILIES, Finding, Severity
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


def render(result: CheckResult, previous: Path | None = None) -> str:
    suite = TestSuite(f"schedule check {result.first} to {result.last}")
    suite.timestamp = result.checked_at.isoformat()
    suite.time = round(result.duration_s, 3)
    for family in RUN_FAMILIES:
        suite.add_testcase(_case(family, "station", [f for f in result.findings if f.kind.family == family]))
    for day in result.days:
        for family in DAY_FAMILIES:
            suite.add_testcase(_case(family, f"day.{day.date}", [f for f in day.findings if f.kind.family == family]))
    if result.error:
        case = TestCase("the check could finish", classname="station")
        case.result = [Error(result.error, type_="cannot_check")]
        suite.add_testcase(case)
    suite.update_statistics()
    xml = JUnitXml("librelog-verify check")
    xml.add_testsuite(suite)
    xml.update_statistics()
    text = xml.tostring()
    return (text.decode() if isinstance(text, bytes) else text) + "\n"
