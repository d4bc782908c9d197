"""The drift fuzz phase: a generated id that names a row only the real station holds is not a
contract difference; any other refusal by the stub still is."""

from __future__ import annotations

import json

from harness.drift.fuzz import _only_missing_rows


def _said(errors: dict[str, list[str]]) -> str:
    return json.dumps(errors)


def test_a_refusal_naming_only_missing_rows_is_the_data_not_the_contract() -> None:
    missing = 'Invalid pk "1" - object does not exist.'
    assert _only_missing_rows(400, _said({"instance": [missing], "file": ['Invalid pk "7" - object does not exist.']}))


def test_any_other_refusal_is_still_a_difference() -> None:
    missing = 'Invalid pk "1" - object does not exist.'
    assert not _only_missing_rows(400, _said({"instance": [missing], "starts_at": ["This field is required."]}))
    assert not _only_missing_rows(400, "not json")
    assert not _only_missing_rows(500, _said({"instance": [missing]}))
    assert not _only_missing_rows(400, _said({}))
