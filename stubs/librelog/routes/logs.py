from __future__ import annotations

from aiohttp import web

from ..appkeys import DB, LOCKS, RUNTIME
from ..errors import invalid
from ..services import logs, publish
from ..timeconv import parse_date
from .common import json_response, path_id, read_json


async def create_log(request: web.Request) -> web.StreamResponse:
    settings = request.app[RUNTIME].settings
    body = await read_json(request)
    async with request.app[LOCKS](("log-create",)):  # (date, station) uniqueness is checked then inserted
        log = await logs.create_log(
            request.app[DB], body, default_tz=settings.station_timezone, default_station=settings.station
        )
    return json_response(log, status=201)


async def list_logs(request: web.Request) -> web.StreamResponse:
    day = request.query.get("date")
    if day is not None and parse_date(day) is None:
        raise invalid("date", "A date YYYY-MM-DD.")
    return json_response(await logs.list_logs(request.app[DB], day))


async def get_log(request: web.Request) -> web.StreamResponse:
    return json_response(await logs.get_log(request.app[DB], path_id(request)))


async def delete_log(request: web.Request) -> web.StreamResponse:
    log_id = path_id(request)
    async with request.app[LOCKS](("log", log_id)):
        await logs.delete_log(request.app[DB], log_id)
    return web.Response(status=204)


async def replace_hour(request: web.Request) -> web.StreamResponse:
    log_id = path_id(request)
    body = await read_json(request)
    async with request.app[LOCKS](("log", log_id)):
        log = await logs.replace_hour(request.app[DB], log_id, request.match_info["hour"], body)
    return json_response(log)


async def lock(request: web.Request) -> web.StreamResponse:
    log_id = path_id(request)
    async with request.app[LOCKS](("log", log_id)):
        return json_response(await logs.set_locked(request.app[DB], log_id, True))


async def unlock(request: web.Request) -> web.StreamResponse:
    log_id = path_id(request)
    async with request.app[LOCKS](("log", log_id)):
        return json_response(await logs.set_locked(request.app[DB], log_id, False))


async def validate(request: web.Request) -> web.StreamResponse:
    return json_response(await logs.validate_log(request.app[DB], path_id(request)))


async def publish_day(request: web.Request) -> web.StreamResponse:
    app = request.app
    return json_response(await publish.publish(app[DB], app[RUNTIME].flavor, app[LOCKS], path_id(request)))


async def publish_hour(request: web.Request) -> web.StreamResponse:
    app = request.app
    log_id = path_id(request)
    body = await read_json(request)
    hour = body.get("hour") if isinstance(body, dict) else None
    return json_response(
        await publish.publish(app[DB], app[RUNTIME].flavor, app[LOCKS], log_id, hour_raw=hour, scope="hour")
    )


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_post("/logs", create_log)
    r.add_get("/logs", list_logs)
    r.add_get("/logs/{id}", get_log)
    r.add_delete("/logs/{id}", delete_log)
    r.add_put("/logs/{id}/hours/{hour}", replace_hour)
    r.add_post("/logs/{id}/lock", lock)
    r.add_post("/logs/{id}/unlock", unlock)
    r.add_post("/logs/{id}/validate", validate)
    r.add_post("/logs/{id}/publish", publish_day)
    r.add_post("/logs/{id}/publish-hour", publish_hour)
