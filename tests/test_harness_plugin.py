"""The harness plugin, driven through pytester: collection, marks, templating, eventually,
domain checks catching planted differences, masking, xdist, broken files, the lint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.targets import STUB_KEY

LIBRARY = """
  - name: sync the library
    request: {service: librelog, method: POST, path: /sync/tracks}
    expect: {status: 200, json: {success: true}}
"""
PUBLISH = """
  - name: create a log
    request:
      service: librelog
      method: POST
      path: /logs
      json:
        date: "{{ sandbox_date }}"
        entries:
          - {start: "06:00:00", libretime_id: 1, hard_start: true}
          - {start: "06:03:40", libretime_id: 2}
          - {start: "12:00:00", libretime_id: 3}
          - {start: "13:00:00", libretime_id: 4}
    expect: {status: 201}
    save: {log_id: id}
  - name: publish it
    request: {service: librelog, method: POST, path: "/logs/{{ log_id }}/publish"}
    expect: {status: 200, json: {published_entries: 4}}
"""


@pytest.fixture(autouse=True)
def _ini(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")


def scenario(sid: str, steps: str, *, tags: str = "[smoke]", extra: str = "fixtures: {fixture: small}\n") -> str:
    return (
        f"id: {sid}\ntitle: Scenario {sid} checks something real\nfeature: Testing\nseverity: normal\n"
        f"tags: {tags}\ntargets: [stub]\n{extra}steps:{steps}"
    )


def write(pytester: pytest.Pytester, name: str, text: str) -> Path:
    path = pytester.path / "scenarios" / f"{name}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


MATCHES = """
  - name: LibreTime holds the log
    libretime.schedule_matches_log: {log_id: "{{ log_id }}"}
"""


def test_each_scenario_is_one_item_with_marks(pytester: pytest.Pytester) -> None:
    write(pytester, "a", scenario("alpha", PUBLISH + MATCHES, tags="[publish, smoke]"))
    write(pytester, "b", scenario("beta", PUBLISH + MATCHES, tags="[publish]"))
    collected = pytester.runpytest_subprocess("scenarios", "--collect-only", "-q")
    assert "scenarios/a.yaml::alpha" in collected.stdout.str()
    assert "scenarios/b.yaml::beta" in collected.stdout.str()
    by_mark = pytester.runpytest_subprocess("scenarios", "-m", "smoke", "-q")
    by_mark.assert_outcomes(passed=1, deselected=1)
    by_k = pytester.runpytest_subprocess("scenarios", "-k", "beta", "-q")
    by_k.assert_outcomes(passed=1, deselected=1)


def test_templating_saves_and_reuses_values(pytester: pytest.Pytester) -> None:
    steps = (
        PUBLISH
        + """
  - name: read it back through a saved id and the sandbox date
    librelog.get:
      path: /logs
      params: {date: "{{ sandbox_date }}"}
      expect:
        status: 200
        jmespath:
          - {path: "items[0].id", equals: "{{ log_id }}"}
          - {path: "items[0].date", equals: "{{ sandbox_date(0) }}"}
          - {path: "items[0].entries[0].start", equals: "{{ vars.first_start }}"}
"""
    )
    write(
        pytester,
        "t",
        scenario("templating", steps, extra="fixtures: {fixture: small}\nvars: {first_start: '06:00:00'}\n"),
    )
    pytester.runpytest_subprocess("scenarios", "--sandbox-date", "2031-05-06").assert_outcomes(passed=1)


def test_unknown_template_names_are_a_clear_scenario_error(pytester: pytest.Pytester) -> None:
    steps = """
  - librelog.get: {path: "/logs/{{ nothing_saved }}", expect: {status: 200, json: {id: 1}}}
"""
    write(pytester, "bad", scenario("badtemplate", steps))
    result = pytester.runpytest_subprocess("scenarios")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*SCENARIO ERROR*", "*nothing_saved*names nothing*"])


def test_eventually_retries_until_it_holds_and_reports_the_last_failure(pytester: pytest.Pytester) -> None:
    recovers = """
  - stub.fault: {match: {path: /api/v2/version}, fault: status, status: 503, times: 3}
  - eventually:
      timeout_s: 5
      interval_s: 0.05
      step:
        request: {service: libretime, method: GET, path: /api/v2/version}
        expect: {status: 200, json: {api_version: "2.0.0"}}
"""
    never = """
  - eventually:
      timeout_s: 0.3
      interval_s: 0.05
      step:
        librelog.get: {path: /tracks, expect: {status: 200, jmespath: [{path: total, equals: 99}]}}
"""
    write(pytester, "ok", scenario("recovers", recovers))
    write(pytester, "ko", scenario("never", never))
    result = pytester.runpytest_subprocess("scenarios")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*still failing after * attempts in 0.3 s; last failure:*total: expected 99, got 0*"])


@pytest.mark.parametrize("mode", ["drop", "shift", "corrupt"])
def test_a_passing_scenario_fails_when_libretime_tampers_with_what_it_receives(
    pytester: pytest.Pytester, mode: str
) -> None:
    write(pytester, "honest", scenario("honest", PUBLISH + MATCHES))
    pytester.runpytest_subprocess("scenarios").assert_outcomes(passed=1)
    tampered = f"\n  - stub.tamper: {{mode: {mode}}}" + PUBLISH + MATCHES
    write(pytester, "honest", scenario("honest", tampered))
    result = pytester.runpytest_subprocess("scenarios")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*FAILED CHECK*", "*LibreTime's schedule for * differs from log*"])


@pytest.mark.parametrize(
    ("change", "reported"),
    [
        ({"fade_out": None}, "*row * at *T12:00:00Z: null fade (in 00:00:00, out None): playout fails on it*"),
        ({"cue_in": "00:00:05.5"}, "*row * at *T12:00:00Z: cue_in 00:00:05.500000, the file's is 0:00:00*"),
        ({"position": 0}, "*row * at *T12:00:00Z: position 0 does not follow 1 of the row at *T06:03:40Z*"),
    ],
)
def test_the_schedule_check_compares_every_row_field_by_field(
    pytester: pytest.Pytester, change: dict, reported: str
) -> None:
    """Right starts and media are not enough: a row must be the row a correct client writes."""
    steps = (
        PUBLISH
        + f"""
  - name: LibreTime's row at 12:00 differs in one detail
    request: {{service: libretime, method: GET, path: /api/v2/schedule}}
    expect: {{status: 200}}
    save: {{row: "sort_by(@, &starts_at)[2].id"}}
  - request:
      service: libretime
      method: PATCH
      path: "/api/v2/schedule/{{{{ row }}}}"
      json: {json.dumps(change)}
    expect: {{status: 200}}
"""
        + MATCHES
    )
    write(pytester, "detail", scenario("detail", steps))
    result = pytester.runpytest_subprocess("scenarios")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*LibreTime holds log 1's entries, but 1 row problem(s): " + reported])


@pytest.mark.parametrize(
    ("change", "reported"),
    [
        ({"album_title": None}, "*file 2 ('Paper Comets'): album 'Orchard', LibreTime's album_title is None*"),
        ({"mime": "audio/ogg"}, "*file 2 ('Paper Comets'): mime 'audio/*', LibreTime's mime is 'audio/ogg'*"),
        ({"genre": "Jazz"}, "*file 2 ('Paper Comets'): genre 'Pop', LibreTime's genre is 'Jazz'*"),
    ],
)
def test_the_track_check_compares_every_field_with_libretime(
    pytester: pytest.Pytester, change: dict, reported: str
) -> None:
    """A track that is right in title and md5 but wrong in one other field is still caught."""
    steps = (
        LIBRARY
        + f"""
  - name: LibreTime's file 2 changes after the sync
    request: {{service: libretime, method: PATCH, path: /api/v2/files/2, json: {json.dumps(change)}}}
    expect: {{status: 200}}
  - librelog.tracks_match_libretime: {{}}
"""
    )
    write(pytester, "tracks", scenario("tracks", steps))
    result = pytester.runpytest_subprocess("scenarios")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*1 of 14 LibreTime files are not in LibreLog as they are in LibreTime: " + reported])


def test_schedule_diff_catches_a_change_outside_the_named_hours(pytester: pytest.Pytester) -> None:
    steps = (
        PUBLISH
        + """
  - libretime.snapshot: {date: "{{ sandbox_date }}", save_as: before}
  - name: someone moves the 13:00 item straight in LibreTime
    request:
      service: libretime
      method: POST
      path: /api/v2/integration/schedule/replace-hour
      json: {date: "{{ sandbox_date }}", hour: 13, entries: [{start: "{{ sandbox_date }}T13:05:00Z", media_id: 4}]}
    expect: {status: 200}
  - libretime.schedule_diff: {since: before, changed_hours: [12]}
"""
    )
    write(pytester, "diff", scenario("diff", steps))
    result = pytester.runpytest_subprocess("scenarios")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*hours [[]13[]] changed but only [[]12[]] were allowed to*"])


def test_file_and_journal_checks_catch_differences(pytester: pytest.Pytester) -> None:
    wrong_title = """
  - libretime.file: {id: 1, expect: {track_title: "Not The Title"}}
"""
    wrong_count = (
        PUBLISH
        + """
  - stub.journal: {method: POST, path: /api/v2/integration/schedule/replace-day, count: 2}
"""
    )
    write(pytester, "file", scenario("file", wrong_title))
    write(pytester, "journal", scenario("journal", wrong_count))
    result = pytester.runpytest_subprocess("scenarios")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(['*LibreTime file 1: $.track_title: expected "Not The Title", got "Harbour Lights"*'])
    result.stdout.fnmatch_lines(["*expected 2 matching requests, LibreTime received 1*"])


def test_secrets_never_reach_results_or_output(pytester: pytest.Pytester) -> None:
    leaky = (
        PUBLISH
        + MATCHES
        + """
  - name: a failure whose text carries the key
    request: {service: libretime, method: GET, path: /api/v2/files/1}
    expect: {status: 200, body_contains: "{{ vars.key }}"}
"""
    )
    write(pytester, "leak", scenario("leak", leaky, extra=f"fixtures: {{fixture: small}}\nvars: {{key: {STUB_KEY}}}\n"))
    results = pytester.path / "allure-results"
    result = pytester.runpytest_subprocess("scenarios", f"--alluredir={results}")
    result.assert_outcomes(failed=1)
    assert STUB_KEY not in result.stdout.str()
    files = list(results.iterdir())
    assert any(f.name.endswith("-attachment.json") for f in files)
    for path in files:
        assert STUB_KEY not in path.read_text(errors="replace"), path.name
    categories = json.loads((results / "categories.json").read_text())
    assert [c["name"] for c in categories] == [
        "LibreTime or LibreLog unreachable",
        "Product defects",
        "Harness errors",
    ]
    properties = (results / "environment.properties").read_text()
    assert "target=stub" in properties
    assert "libretime_api=2.0.0 (embedded stub)" in properties
    assert "librelog_verify=0.1.0" in properties


def test_allure_labels_and_steps(pytester: pytest.Pytester) -> None:
    write(pytester, "a", scenario("labelled", PUBLISH + MATCHES, tags="[publish]"))
    results = pytester.path / "allure-results"
    pytester.runpytest_subprocess("scenarios", f"--alluredir={results}").assert_outcomes(passed=1)
    (result_file,) = results.glob("*-result.json")
    report = json.loads(result_file.read_text())
    labels = {(label["name"], label["value"]) for label in report["labels"]}
    assert {
        ("feature", "Testing"),
        ("severity", "normal"),
        ("tag", "publish"),
        ("epic", "LibreLog → LibreTime"),
    } <= labels
    assert [s["name"] for s in report["steps"]] == [
        "Seed the scenario's fixtures in LibreTime",
        "create a log",
        "publish it",
        "LibreTime holds the log",
    ]
    names = {a["name"] for s in report["steps"] for a in s.get("attachments", [])}
    assert {"request", "curl", "response"} <= names
    assert any(name.startswith("LibreTime schedule") for name in names)


def test_xdist_runs_scenarios_in_parallel(pytester: pytest.Pytester) -> None:
    for name in ("one", "two", "three", "four"):
        write(pytester, name, scenario(name, PUBLISH + MATCHES))
    pytester.runpytest_subprocess("scenarios", "-n", "2", "-p", "xdist").assert_outcomes(passed=4)


def test_broken_yaml_and_schema_errors_name_file_line_and_field(pytester: pytest.Pytester) -> None:
    write(pytester, "broken", "id: x\nsteps: [\n  - {request: ")
    write(
        pytester,
        "schema",
        scenario("schema", "\n  - request: {service: librelog, method: FETCH, path: /x}\n    expect: {status: ok}\n"),
    )
    result = pytester.runpytest_subprocess("scenarios")
    result.assert_outcomes(errors=2)
    out = result.stdout.str()
    assert "scenarios/broken.yaml:" in out and "not valid YAML" in out
    assert "scenarios/schema.yaml:9: steps[0].request.method: 'FETCH' is not one of" in out
    assert "scenarios/schema.yaml:10: steps[0].expect.status:" in out


def test_the_lint_rejects_a_hollow_success(pytester: pytest.Pytester) -> None:
    hollow = PUBLISH  # publishes and stops: the seed's "returns 200"
    write(pytester, "hollow", scenario("hollow", hollow))
    result = pytester.runpytest_subprocess("scenarios")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*scenarios/hollow.yaml:*: steps[[]1[]]: hollow success: POST /logs/{{ log_id }}/publish*"]
    )


def test_a_scenario_is_skipped_where_its_needs_are_not_offered(pytester: pytest.Pytester, tmp_path: Path) -> None:
    """Requirements come from the steps: a fault needs faults (the stub's, or an interposer's), the
    fixtures need seeding, whatever ``targets`` says."""
    import json

    from harness.live.capabilities import Capability, Facts

    text = scenario("needsstub", "\n  - stub.fault: {fault: status, status: 500}\n" + PUBLISH + MATCHES)
    write(pytester, "needs", text.replace("targets: [stub]", "targets: [live]"))
    facts = Facts(target="live", capabilities={Capability.SEED}, notes=["faults: no interposer"])
    found = tmp_path / "preflight.json"
    found.write_text(json.dumps(facts.to_json()))
    result = pytester.runpytest_subprocess("scenarios", "--target", "live", "--preflight", str(found), "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*needs faults (no interposer): the live target does not offer it*"])
