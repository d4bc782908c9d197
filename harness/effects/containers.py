"""Checks on the compose stack's containers, through the Docker SDK (the seed's manual
``docker network inspect libretime`` and ``docker-compose exec api curl ...``)."""

from __future__ import annotations

import os
from typing import Any

from ..errors import HarnessError
from ..running.expect import ExpectationFailed
from ..running.recorder import Recorder


def _client() -> Any:
    import docker

    try:
        client = docker.from_env()
        client.ping()
    except docker.errors.DockerException as exc:
        raise HarnessError(f"no Docker engine reachable from the harness ({exc}); mount the socket") from None
    return client


def _container(client: Any, service: str) -> Any:
    filters = {"label": [f"com.docker.compose.service={service}"]}
    project = os.environ.get("COMPOSE_PROJECT_NAME")
    if project:
        filters["label"].append(f"com.docker.compose.project={project}")
    found = client.containers.list(filters=filters)
    if len(found) != 1:
        raise HarnessError(f"expected one running container for service {service!r}, found {len(found)}")
    return found[0]


def check(kind: str, spec: dict[str, Any], rec: Recorder) -> None:
    client = _client()
    if kind == "docker.network":
        network = client.networks.get(spec["name"])
        attached = set(network.attrs.get("Containers", {}))
        rec.json(f"docker network {spec['name']}", {"containers": sorted(attached)})
        missing = [s for s in spec["services"] if _container(client, s).id not in attached]
        if missing:
            raise ExpectationFailed(f"services {missing} are not on the {spec['name']!r} network")
        return
    container = _container(client, spec["service"])
    exit_code, output = container.exec_run(spec["command"])
    text = output.decode("utf-8", "replace") if isinstance(output, bytes) else str(output)
    rec.text(f"exec in {spec['service']}", f"$ {' '.join(spec['command'])}\n(exit {exit_code})\n{text}")
    problems = []
    if exit_code != spec.get("exit_code", 0):
        problems.append(f"exit code {exit_code}, expected {spec.get('exit_code', 0)}")
    if "output_contains" in spec and spec["output_contains"] not in text:
        problems.append(f"output lacks {spec['output_contains']!r}: {text[-300:]!r}")
    if problems:
        raise ExpectationFailed(f"in {spec['service']}: {' '.join(spec['command'])}: " + "; ".join(problems))
