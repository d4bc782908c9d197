"""The mutation benchmark's rules of equivalence: only edits nothing observable can tell apart."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def rules() -> ModuleType:
    sys.path.insert(0, str(BENCH))  # the bench scripts import their own common.py
    try:
        spec = importlib.util.spec_from_file_location("mutation_bench", BENCH / "mutation_bench.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


def diff(before: str, after: str) -> str:
    return f"--- a\n+++ b\n-{before}\n+{after}\n"


LOGS, VOICE, FLAVORS, CLIENT = (
    "stubs/librelog/services/logs.py",
    "stubs/librelog/services/voice.py",
    "stubs/librelog/libretime/flavors.py",
    "stubs/librelog/libretime/client.py",
)


@pytest.mark.parametrize(
    ("before", "after", "module"),
    [
        (
            '    "SELECT type, title FROM tracks WHERE id = ?", (x,)',
            '    "select type, title from tracks where id = ?", (x,)',
            LOGS,
        ),
        ('    " FROM tracks WHERE id = ?"', '    " from tracks where id = ?"', LOGS),
        ('    "id, title, description, artist_name,"', '    "ID, TITLE, DESCRIPTION, ARTIST_NAME,"', VOICE),
        ('    return self._http.stream("GET", path)', '    return self._http.stream("get", path)', CLIENT),
        ('    x = row["stored_path"]', '    x = row["STORED_PATH"]', VOICE),
        (
            '    raw = response.headers.get("Retry-After", "")',
            '    raw = response.headers.get("retry-after", "")',
            CLIENT,
        ),
        ('    " a, b) VALUES (?, ?)",', '    " a, b) values (?, ?)",', LOGS),
        ('    where.append("libretime_id = ?")', '    where.append("LIBRETIME_ID = ?")', LOGS),
        (
            "    w.append(\"(title LIKE ? ESCAPE '!' OR a LIKE ?)\")",
            "    w.append(\"(title like ? escape '!' or a like ?)\")",
            LOGS,
        ),
        ('    await self.client.request("DELETE", p)', '    await self.client.request("delete", p)', FLAVORS),
        ('    headers={"Cookie": f"tt_upload={vot}"},', '    headers={"cookie": f"tt_upload={vot}"},', FLAVORS),
    ],
)
def test_edits_nothing_can_see_are_equivalent(rules: ModuleType, before: str, after: str, module: str) -> None:
    assert rules.equivalent_by_rule(diff(before, after), module) is not None


@pytest.mark.parametrize(
    ("before", "after", "module"),
    [
        # A quoted SQL literal is a value.
        ("    \" VALUES (?, ?, 'recorded', ?)\"", "    \" values (?, ?, 'RECORDED', ?)\"", VOICE),
        # Prose: an error text a client reads.
        ('    raise NotFound("Cannot read from LibreTime")', '    raise NotFound("cannot read from libretime")', LOGS),
        (
            '    errors.add("file", "send one of mp3, wav, ogg")',
            '    errors.add("file", "SEND ONE OF MP3, WAV, OGG")',
            VOICE,
        ),
        # A method named in an error's details, not handed to a call that upper-cases it.
        ('    raise Bad("x", Upstream("GET", path, 200))', '    raise Bad("x", Upstream("get", path, 200))', FLAVORS),
        # LibreTime's JSON rows and row_dict()'s dicts are case-sensitive.
        ('    id=row["id"],', '    id=row["ID"],', FLAVORS),
        ('    t = voice["title"]', '    t = voice["TITLE"]', VOICE),
    ],
)
def test_edits_a_client_or_libretime_can_see_are_not(rules: ModuleType, before: str, after: str, module: str) -> None:
    assert rules.equivalent_by_rule(diff(before, after), module) is None


def test_a_method_on_the_line_after_the_call_opened_is_recognised(rules: ModuleType) -> None:
    opened = (
        "--- a\n+++ b\n@@ -1,3 +1,3 @@\n"
        "     response = await self.client.request(\n"
        '-        "POST",\n'
        '+        "post",\n'
        '         "/api/v2/libraries",\n'
    )
    assert rules.equivalent_by_rule(opened, FLAVORS) is not None
    assert rules.equivalent_by_rule(opened.replace(".request(", ".describe("), FLAVORS) is None
