"""The compose files describe the seed's deployment (the real run is scripts/compose-ci.sh in CI)."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.test.yml").read_text())


def test_services_share_the_libretime_network() -> None:
    spec = compose()
    assert spec["networks"]["libretime"]["name"] == "libretime"
    assert set(spec["services"]) == {"nginx", "api", "librelog", "harness"}
    for name, service in spec["services"].items():
        assert service["networks"] == ["libretime"], name


def test_librelog_reaches_libretime_by_service_name_with_data_on_a_volume() -> None:
    librelog = compose()["services"]["librelog"]
    env = librelog["environment"]
    assert env["LIBRETIME_INTERNAL_URL"] == "http://nginx:8080"
    assert "localhost" not in str(env) and "127.0.0.1" not in str(env)
    assert env["LIBRELOG_DB"].startswith("/data/")
    assert librelog["volumes"] == ["librelog-data:/data"]


def test_health_gates_the_start_order() -> None:
    services = compose()["services"]
    assert "/api/v2/version" in str(services["nginx"]["healthcheck"]["test"])
    assert "/api/v2/version" in str(services["api"]["healthcheck"]["test"])
    assert "/health" in str(services["librelog"]["healthcheck"]["test"])
    assert services["librelog"]["depends_on"] == {"nginx": {"condition": "service_healthy"}}
    assert services["harness"]["depends_on"] == {
        "librelog": {"condition": "service_healthy"},
        "api": {"condition": "service_healthy"},
    }
    assert "--target" in services["harness"]["command"] and "compose" in services["harness"]["command"]


def test_the_image_runs_as_a_non_root_user_from_a_venv() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    assert "python3 -m venv /opt/venv" in dockerfile
    assert "\nUSER app\n" in dockerfile


def test_scenario_settings_map_to_librelog_test_settings() -> None:
    import pytest

    from harness.errors import HarnessError
    from harness.targets import librelog_overrides

    env = {"LIBRETIME_API_FACE_URL": "http://api:9001"}
    assert librelog_overrides({}, env) == {}
    assert librelog_overrides({"flavor": "v2", "station_timezone": "America/Phoenix", "retries": 0}, env) == {
        "flavor": "v2",
        "station_timezone": "America/Phoenix",
        "retries": 0,
    }
    assert librelog_overrides({"api_key": "wrong"}, env) == {"api_key": "wrong-key-for-this-check"}
    assert librelog_overrides({"libretime": "unconfigured"}, env) == {"libretime_url": None}
    assert librelog_overrides({"libretime": "down"}, env)["libretime_url"].startswith("http://127.0.0.1:")
    assert librelog_overrides({"libretime_face": "api"}, env) == {"libretime_url": "http://api:9001"}
    with pytest.raises(HarnessError, match="LIBRETIME_API_FACE_URL"):
        librelog_overrides({"libretime_face": "api"}, {})
