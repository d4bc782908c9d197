"""The OpenAPI 3.0 description of LibreLog's API (served at ``/openapi.json``)."""

from __future__ import annotations

from typing import Any

from .typemap import TYPES

_ERR = {"$ref": "#/components/responses/Error"}
_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}


def _op(
    summary: str,
    ok: str,
    body: dict[str, Any] | None = None,
    *,
    errors: tuple[str, ...] = ("400",),
    params: list[dict[str, Any]] | None = None,
    ok_schema: dict[str, Any] | None = None,
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {
            ok: {"description": "OK", **({"content": {"application/json": {"schema": ok_schema}}} if ok_schema else {})}
        },
    }
    for code in (*errors, "401"):
        op["responses"][code] = _ERR
    if body is not None:
        op["requestBody"] = {"required": True, "content": body}
    if params:
        op["parameters"] = params
    return op


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _q(name: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": {"type": kind}}


UPSTREAM = ("502", "503", "504")


def document() -> dict[str, Any]:
    nullable_int = {"type": "integer", "nullable": True}
    nullable_str = {"type": "string", "nullable": True}
    entry = {
        "type": "object",
        "required": ["start"],
        "properties": {
            "start": {"type": "string", "example": "14:00:00", "description": "station-local wall clock"},
            "fold": {"type": "integer", "enum": [0, 1], "description": "1 = second occurrence of a repeated time"},
            "track_id": nullable_int,
            "libretime_id": nullable_int,
            "voice_track_id": nullable_int,
            "type": {"type": "string", "enum": list(TYPES)},
            "title": nullable_str,
            "duration_s": {"type": "number", "nullable": True},
            "hard_start": {"type": "boolean"},
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "LibreLog", "version": "1.0.0", "description": "Daily logs, pushed to LibreTime."},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Error": {"description": "Error", "content": _json("Error")}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error", "message", "details"],
                    "properties": {
                        "error": {"type": "string"},
                        "message": {"type": "string"},
                        "details": {"type": "object"},
                    },
                },
                "Track": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "libretime_id": nullable_int,
                        "title": {"type": "string"},
                        "artist": nullable_str,
                        "album": nullable_str,
                        "genre": nullable_str,
                        "type": {"type": "string", "enum": list(TYPES)},
                        "duration_s": {"type": "number", "nullable": True},
                        "filepath": nullable_str,
                        "mime": nullable_str,
                        "md5": nullable_str,
                        "created_at": {"type": "string"},
                        "updated_at": {"type": "string"},
                        "last_synced_at": nullable_str,
                    },
                },
                "EntryIn": entry,
                "Entry": {
                    **entry,
                    "properties": {**entry["properties"], "position": {"type": "integer"}, "hour": {"type": "integer"}},
                },
                "LogIn": {
                    "type": "object",
                    "required": ["date", "entries"],
                    "properties": {
                        "date": {"type": "string", "format": "date"},
                        "station": {"type": "string"},
                        "timezone": {"type": "string"},
                        "entries": {"type": "array", "items": _ref("EntryIn")},
                    },
                },
                "Log": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "date": {"type": "string"},
                        "station": {"type": "string"},
                        "timezone": {"type": "string"},
                        "locked": {"type": "boolean"},
                        "status": {"type": "string", "enum": ["draft", "published"]},
                        "entries": {"type": "array", "items": _ref("Entry")},
                        "published_at": nullable_str,
                        "last_publish": {"type": "object", "nullable": True},
                        "created_at": {"type": "string"},
                        "updated_at": {"type": "string"},
                    },
                },
                "VoiceTrack": {
                    "type": "object",
                    "properties": {
                        k: {"type": "string", "nullable": True}
                        for k in (
                            "title",
                            "description",
                            "artist_name",
                            "genre",
                            "standardized_name",
                            "filename",
                            "mime",
                            "md5",
                            "status",
                            "uploaded_at",
                            "created_at",
                        )
                    }
                    | {
                        "id": {"type": "integer"},
                        "size_bytes": {"type": "integer"},
                        "libretime_id": nullable_int,
                        "duration_s": {"type": "number", "nullable": True},
                    },
                },
                "Publish": {
                    "type": "object",
                    "properties": {
                        "log_id": {"type": "integer"},
                        "date": {"type": "string"},
                        "scope": {"type": "string"},
                        "hour": {"type": "integer"},
                        "published_entries": {"type": "integer"},
                        "libretime": {"type": "object"},
                        "published_at": {"type": "string"},
                    },
                },
            },
        },
        "security": [{"bearer": []}],
        "paths": {
            "/health": {"get": {**_op("Liveness", "200", errors=()), "security": []}},
            "/openapi.json": {"get": _op("This document", "200", errors=())},
            "/tracks": {
                "get": _op(
                    "List tracks",
                    "200",
                    params=[
                        _q("type"),
                        _q("search"),
                        _q("libretime_id", "integer"),
                        _q("limit", "integer"),
                        _q("offset", "integer"),
                    ],
                ),
                "post": _op("Create a track", "201", _json("Track"), errors=("400", "409"), ok_schema=_ref("Track")),
            },
            "/tracks/{id}": {"get": _op("One track", "200", errors=("404",), params=[_ID], ok_schema=_ref("Track"))},
            "/logs": {
                "get": _op("Logs (optionally of one date)", "200", params=[_q("date")]),
                "post": _op("Create a daily log", "201", _json("LogIn"), errors=("400", "409"), ok_schema=_ref("Log")),
            },
            "/logs/{id}": {
                "get": _op("One log", "200", errors=("404",), params=[_ID], ok_schema=_ref("Log")),
                "delete": _op("Delete a log", "204", errors=("404", "409"), params=[_ID]),
            },
            "/logs/{id}/hours/{hour}": {
                "put": _op(
                    "Replace one hour's entries",
                    "200",
                    {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"entries": {"type": "array", "items": _ref("EntryIn")}},
                            }
                        }
                    },
                    errors=("400", "404", "409"),
                    params=[_ID, {"name": "hour", "in": "path", "required": True, "schema": {"type": "integer"}}],
                    ok_schema=_ref("Log"),
                )
            },
            "/logs/{id}/lock": {"post": _op("Lock a log", "200", errors=("404",), params=[_ID])},
            "/logs/{id}/unlock": {"post": _op("Unlock a log", "200", errors=("404",), params=[_ID])},
            "/logs/{id}/validate": {"post": _op("Check a log can be published", "200", errors=("404",), params=[_ID])},
            "/logs/{id}/publish": {
                "post": _op(
                    "Publish the whole day to LibreTime",
                    "200",
                    errors=("400", "404", "409", *UPSTREAM),
                    params=[_ID],
                    ok_schema=_ref("Publish"),
                )
            },
            "/logs/{id}/publish-hour": {
                "post": _op(
                    'Publish one hour (hour as 12, "12" or "12:00")',
                    "200",
                    {"application/json": {"schema": {"type": "object", "properties": {"hour": {}}}}},
                    errors=("400", "404", "409", *UPSTREAM),
                    params=[_ID],
                    ok_schema=_ref("Publish"),
                )
            },
            "/voice": {
                "get": _op("Voice tracks", "200", errors=()),
                "post": _op(
                    "Upload a voice track",
                    "201",
                    {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file", "title"],
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "title": {"type": "string"},
                                    "description": {"type": "string"},
                                    "artist_name": {"type": "string"},
                                    "genre": {"type": "string"},
                                    "hour": {"type": "integer"},
                                    "break": {"type": "string"},
                                },
                            }
                        }
                    },
                    errors=("400", "413"),
                    ok_schema=_ref("VoiceTrack"),
                ),
            },
            "/voice/{id}": {"get": _op("One voice track", "200", errors=("404",), params=[_ID])},
            "/voice/{id}/file": {"get": _op("The voice track's audio", "200", errors=("404",), params=[_ID])},
            "/voice/{id}/upload-to-libretime": {
                "post": _op(
                    "Push a voice track to LibreTime (once)",
                    "200",
                    errors=("404", "409", *UPSTREAM),
                    params=[_ID],
                    ok_schema=_ref("VoiceTrack"),
                )
            },
            "/sync/tracks": {
                "post": _op(
                    "Pull the whole media library into tracks",
                    "200",
                    errors=("400", *UPSTREAM),
                    params=[_q("limit", "integer"), _q("batch_size", "integer")],
                )
            },
            "/sync/playback-history": {
                "post": _op(
                    "Pull playout history for station-local dates (inclusive)",
                    "200",
                    {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["start_date", "end_date"],
                                "properties": {
                                    "start_date": {"type": "string", "format": "date"},
                                    "end_date": {"type": "string", "format": "date"},
                                },
                            }
                        }
                    },
                    errors=("400", *UPSTREAM),
                )
            },
            "/playback-history": {"get": _op("Stored playback records", "200", params=[_q("start"), _q("end")])},
            "/sync/status": {"get": _op("Sync timestamps and a live LibreTime check", "200", errors=())},
            "/sync/libretime/config": {"get": _op("Effective LibreTime settings (never the key)", "200", errors=())},
            "/proxy/dashboard": {"get": _op("Live LibreTime summary", "200", errors=UPSTREAM)},
            "/proxy/files/{id}": {
                "get": _op("A LibreTime file's bytes", "200", errors=("404", *UPSTREAM), params=[_ID])
            },
        },
    }
