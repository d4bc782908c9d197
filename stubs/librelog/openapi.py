"""The OpenAPI 3.0 description of LibreLog's API, as the running service behaves (``/openapi.json``).

It is written for clients and fuzzers alike, so it promises exactly what the service does: the
same patterns and ranges the validation uses (a value the document rules out is always a 400),
every status an operation can answer, and bearer auth only when ``LIBRELOG_API_TOKEN`` is set.
"""

from __future__ import annotations

from typing import Any

from . import ids, timeconv
from .config import Settings
from .services.voice import BREAK_PATTERN, TEXT_LIMITS
from .typemap import TYPES

JSON = "application/json"
UPSTREAM = ("502", "503", "504")  # LibreTime unreachable or failing / not configured / too slow
NON_BLANK = r"\S"  # at least one character that is not whitespace (the service strips before checking)


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


def _type_code() -> dict[str, Any]:
    """A track type code, any letter case (the service upper-cases it)."""
    either = "|".join("".join(f"[{c.upper()}{c.lower()}]" for c in code) for code in TYPES)
    return {"type": "string", "pattern": f"^({either})$", "example": "MUS"}


ID = {"type": "integer", "minimum": 1, "maximum": ids.MAX_ID}
SECONDS = {"type": "number", "minimum": 0, "maximum": ids.MAX_ID}
DATE = {"type": "string", "pattern": timeconv.DATE_PATTERN, "example": "2026-11-25"}
INSTANT = {"type": "string", "example": "2026-11-25T08:00:00Z"}
HOUR_TEXT = {"type": "string", "pattern": timeconv.HOUR_PATTERN, "example": "12"}
HOUR_INT = {"type": "integer", "minimum": 0, "maximum": 23}
COUNT = {"type": "integer", "minimum": 0}
TEXT = {"type": "string"}


def _obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    """An object; ``required`` defaults to every property (what the service always sends)."""
    return {"type": "object", "required": list(properties) if required is None else required, "properties": properties}


def _list_of(item: str) -> dict[str, Any]:
    return _obj({"items": {"type": "array", "items": _ref(item)}, "total": COUNT})


def _schemas() -> dict[str, Any]:
    entry_in = _obj(
        {
            "start": {
                "type": "string",
                "pattern": timeconv.CLOCK_PATTERN,
                "example": "14:00:00",
                "description": "station-local wall clock",
            },
            "fold": {"type": "integer", "enum": [0, 1], "description": "1 = second occurrence of a repeated time"},
            "track_id": _nullable(ID),
            "libretime_id": _nullable(ID),
            "voice_track_id": _nullable(ID),
            "type": _nullable(_type_code()),
            "title": _nullable(TEXT),
            "duration_s": _nullable(SECONDS),
            "hard_start": {"type": "boolean"},
        },
        required=["start"],
    )
    entry = _obj(
        {
            "position": COUNT,
            "start": {"type": "string", "example": "14:00:00"},
            "fold": {"type": "integer", "enum": [0, 1]},
            "hour": HOUR_INT,
            "type": {"type": "string", "enum": list(TYPES)},
            "title": _nullable(TEXT),
            "track_id": _nullable(ID),
            "libretime_id": _nullable(ID),
            "voice_track_id": _nullable(ID),
            "duration_s": _nullable({"type": "number"}),
            "hard_start": {"type": "boolean"},
        }
    )
    field_error = _obj({"field": TEXT, "message": TEXT})
    return {
        "Error": _obj(
            {
                "error": {"type": "string", "example": "validation_failed"},
                "message": TEXT,
                "details": {"type": "object"},
            }
        ),
        "Health": _obj({"status": {"type": "string", "enum": ["ok"]}}),
        "Track": _obj(
            {
                "id": ID,
                "libretime_id": _nullable(ID),
                "title": TEXT,
                "artist": _nullable(TEXT),
                "album": _nullable(TEXT),
                "genre": _nullable(TEXT),
                "type": {"type": "string", "enum": list(TYPES)},
                "duration_s": _nullable({"type": "number"}),
                "filepath": _nullable(TEXT),
                "mime": _nullable(TEXT),
                "md5": _nullable(TEXT),
                "created_at": INSTANT,
                "updated_at": INSTANT,
                "last_synced_at": _nullable(INSTANT),
            }
        ),
        "TrackIn": _obj(
            {
                "title": {"type": "string", "pattern": NON_BLANK},
                "type": _type_code(),
                "artist": _nullable(TEXT),
                "album": _nullable(TEXT),
                "genre": _nullable(TEXT),
                "filepath": _nullable(TEXT),
                "mime": _nullable(TEXT),
                "md5": _nullable(TEXT),
                "duration_s": _nullable(SECONDS),
                "libretime_id": _nullable(ID),
            },
            required=["title"],
        ),
        "TrackPage": _obj(
            {"items": {"type": "array", "items": _ref("Track")}, "total": COUNT, "limit": ID, "offset": COUNT}
        ),
        "EntryIn": entry_in,
        "Entry": entry,
        "LogIn": _obj(
            {
                "date": DATE,
                "station": {"type": "string", "pattern": NON_BLANK},
                "timezone": {"type": "string", "example": "Europe/London", "description": "an IANA time zone"},
                "entries": {"type": "array", "items": _ref("EntryIn")},
            },
            required=["date", "entries"],
        ),
        "HourIn": _obj({"entries": {"type": "array", "items": _ref("EntryIn")}}),
        "Log": _obj(
            {
                "id": ID,
                "date": DATE,
                "station": TEXT,
                "timezone": TEXT,
                "locked": {"type": "boolean"},
                "status": {"type": "string", "enum": ["draft", "published"]},
                "entries": {"type": "array", "items": _ref("Entry")},
                "published_at": _nullable(INSTANT),
                "last_publish": _nullable(
                    _obj(
                        {
                            "at": INSTANT,
                            "scope": {"type": "string", "enum": ["day", "hour"]},
                            "hour": _nullable(HOUR_INT),
                            "entries": COUNT,
                            "deleted": COUNT,
                            "created": COUNT,
                        }
                    )
                ),
                "created_at": INSTANT,
                "updated_at": INSTANT,
            }
        ),
        "LogList": _list_of("Log"),
        "Validation": _obj(
            {
                "valid": {"type": "boolean"},
                "errors": {"type": "array", "items": field_error},
                "warnings": {"type": "array", "items": field_error},
            }
        ),
        "Publish": _obj(
            {
                "log_id": ID,
                "date": DATE,
                "scope": {"type": "string", "enum": ["day", "hour"]},
                "hour": HOUR_INT,
                "published_entries": COUNT,
                "libretime": _obj({"deleted": COUNT, "created": COUNT}),
                "published_at": INSTANT,
            },
            required=["log_id", "date", "scope", "published_entries", "libretime", "published_at"],
        ),
        "HourChoice": _obj({"hour": {"oneOf": [HOUR_INT, HOUR_TEXT], "description": 'an hour as 12, "12" or "12:00"'}}),
        "VoiceTrack": _obj(
            {
                "id": ID,
                "title": TEXT,
                "description": _nullable(TEXT),
                "artist_name": _nullable(TEXT),
                "genre": _nullable(TEXT),
                "standardized_name": _nullable(TEXT),
                "filename": TEXT,
                "mime": TEXT,
                "size_bytes": COUNT,
                "md5": TEXT,
                "duration_s": _nullable({"type": "number"}),
                "status": {"type": "string", "enum": ["recorded", "uploaded"]},
                "libretime_id": _nullable(ID),
                "uploaded_at": _nullable(INSTANT),
                "created_at": INSTANT,
            }
        ),
        "VoiceList": _list_of("VoiceTrack"),
        "VoiceIn": _obj(
            {
                "file": {"type": "string", "format": "binary", "description": "mp3 wav ogg flac m4a aac opus"},
                "title": {"type": "string", "pattern": NON_BLANK, "maxLength": TEXT_LIMITS["title"]},
                "description": {"type": "string", "maxLength": TEXT_LIMITS["description"]},
                "artist_name": {"type": "string", "maxLength": TEXT_LIMITS["artist_name"]},
                "genre": {"type": "string", "maxLength": TEXT_LIMITS["genre"]},
                "hour": {"type": "string", "pattern": f"^$|{timeconv.HOUR_PATTERN}", "example": "14"},
                "break": {"type": "string", "pattern": BREAK_PATTERN, "example": "A"},
            },
            required=["file", "title"],
        ),
        "TrackSync": _obj(
            {
                "success": {"type": "boolean", "enum": [True]},
                "created": COUNT,
                "updated": COUNT,
                "unchanged": COUNT,
                "total_processed": COUNT,
                "pages": COUNT,
                "warnings": {"type": "array", "items": TEXT},
                "errors": {"type": "array", "items": TEXT},
            }
        ),
        "HistoryRange": _obj({"start_date": DATE, "end_date": DATE}),
        "HistorySync": _obj(
            {
                "success": {"type": "boolean", "enum": [True]},
                "fetched": COUNT,
                "created": COUNT,
                "duplicates": COUNT,
                "unmatched": COUNT,
                "errors": {"type": "array", "items": TEXT},
            }
        ),
        "PlaybackRecord": _obj(
            {
                "id": ID,
                "libretime_history_id": {"type": "integer"},
                "libretime_file_id": _nullable({"type": "integer"}),
                "track_id": _nullable(ID),
                "schedule_id": _nullable({"type": "integer"}),
                "title": _nullable(TEXT),
                "artist": _nullable(TEXT),
                "played_at": INSTANT,
                "ended_at": _nullable(INSTANT),
                "created_at": INSTANT,
            }
        ),
        "PlaybackList": _list_of("PlaybackRecord"),
        "SyncStatus": _obj(
            {
                "last_track_sync": _nullable(INSTANT),
                "last_playback_sync": _nullable(INSTANT),
                "total_tracks": COUNT,
                "connection_status": {"type": "boolean"},
                "libretime": _obj(
                    {
                        "url": _nullable(TEXT),
                        "flavor": {"type": "string", "enum": ["integration", "v2"]},
                        "api_version": _nullable(TEXT),
                        "latency_ms": _nullable({"type": "number"}),
                        "error": _nullable(TEXT),
                    }
                ),
            }
        ),
        "LibreTimeConfig": _obj(
            {
                "api_url": _nullable(TEXT),
                "url_source": _nullable(TEXT),
                "public_url": _nullable(TEXT),
                "flavor": {"type": "string", "enum": ["integration", "v2"]},
                "api_key_set": {"type": "boolean"},
                "api_key_hint": _nullable(TEXT),
                "timeout_s": {"type": "number"},
                "retries": COUNT,
                "station_timezone": TEXT,
                "station": TEXT,
            }
        ),
        "Dashboard": _obj(
            {
                "station_name": _nullable(TEXT),
                "api_version": _nullable(TEXT),
                "stream_state": {"type": "object"},
                "today": _obj(
                    {
                        "date": DATE,
                        "scheduled_items": COUNT,
                        "first_start": _nullable(INSTANT),
                        "last_end": _nullable(INSTANT),
                    }
                ),
                "libretime_public_url": _nullable(TEXT),
            }
        ),
    }


class _Paths:
    """Builds operations with the statuses every one of them shares (401 when a token is set)."""

    def __init__(self, secured: bool) -> None:
        self.secured = secured

    def op(
        self,
        summary: str,
        ok: str,
        ok_schema: str | None = None,
        *,
        body: dict[str, Any] | None = None,
        errors: tuple[str, ...] = (),
        params: list[dict[str, Any]] | None = None,
        ok_content: dict[str, Any] | None = None,
        public: bool = False,
    ) -> dict[str, Any]:
        content = ok_content or ({JSON: {"schema": _ref(ok_schema)}} if ok_schema else None)
        responses: dict[str, Any] = {ok: {"description": summary, **({"content": content} if content else {})}}
        codes = set(errors)
        if body is not None:
            codes.add("400")  # malformed or invalid body
        if params and any(p["in"] in ("query", "path") for p in params):
            codes.add("400" if any(p["in"] == "query" for p in params) else "404")
        if self.secured and not public:
            codes.add("401")
        for code in sorted(codes):
            responses[code] = {"$ref": "#/components/responses/Error"}
        op: dict[str, Any] = {"summary": summary, "responses": responses}
        if public and self.secured:
            op["security"] = []
        if body is not None:
            op["requestBody"] = {"required": True, "content": body}
        if params:
            op["parameters"] = params
        return op


def _path(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


def _json_body(schema: str) -> dict[str, Any]:
    return {JSON: {"schema": _ref(schema)}}


def document(settings: Settings) -> dict[str, Any]:
    secured = bool(settings.api_token)
    p = _Paths(secured)
    log_id = [_path("id", ID)]
    paths = {
        "/health": {"get": p.op("Liveness", "200", "Health", public=True)},
        "/openapi.json": {
            "get": p.op("This document", "200", ok_content={JSON: {"schema": {"type": "object"}}}),
        },
        "/tracks": {
            "get": p.op(
                "List tracks",
                "200",
                "TrackPage",
                params=[
                    _query("type", _type_code()),
                    _query("search", TEXT),
                    _query("libretime_id", ID),
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": 1000}),
                    _query("offset", {"type": "integer", "minimum": 0, "maximum": 10**9}),
                ],
            ),
            "post": p.op("Create a track", "201", "Track", body=_json_body("TrackIn"), errors=("409",)),
        },
        "/tracks/{id}": {"get": p.op("One track", "200", "Track", params=log_id)},
        "/logs": {
            "get": p.op("Logs (optionally of one date)", "200", "LogList", params=[_query("date", DATE)]),
            "post": p.op("Create a daily log", "201", "Log", body=_json_body("LogIn"), errors=("409",)),
        },
        "/logs/{id}": {
            "get": p.op("One log", "200", "Log", params=log_id),
            "delete": p.op("Delete a log", "204", params=log_id, errors=("409",)),
        },
        "/logs/{id}/hours/{hour}": {
            "put": p.op(
                "Replace one hour's entries",
                "200",
                "Log",
                body=_json_body("HourIn"),
                errors=("404", "409"),
                params=[_path("id", ID), _path("hour", HOUR_TEXT)],
            )
        },
        "/logs/{id}/lock": {"post": p.op("Lock a log", "200", "Log", params=log_id)},
        "/logs/{id}/unlock": {"post": p.op("Unlock a log", "200", "Log", params=log_id)},
        "/logs/{id}/validate": {"post": p.op("Check a log can be published", "200", "Validation", params=log_id)},
        "/logs/{id}/publish": {
            "post": p.op(
                "Publish the whole day to LibreTime",
                "200",
                "Publish",
                errors=("400", "409", *UPSTREAM),
                params=log_id,
            )
        },
        "/logs/{id}/publish-hour": {
            "post": p.op(
                'Publish one hour (hour as 12, "12" or "12:00")',
                "200",
                "Publish",
                body=_json_body("HourChoice"),
                errors=("404", "409", *UPSTREAM),
                params=log_id,
            )
        },
        "/voice": {
            "get": p.op("Voice tracks", "200", "VoiceList"),
            "post": p.op(
                "Upload a voice track",
                "201",
                "VoiceTrack",
                body={"multipart/form-data": {"schema": _ref("VoiceIn")}},
                errors=("413",),
            ),
        },
        "/voice/{id}": {"get": p.op("One voice track", "200", "VoiceTrack", params=log_id)},
        "/voice/{id}/file": {
            "get": p.op(
                "The voice track's audio",
                "200",
                ok_content={"audio/*": {"schema": {"type": "string", "format": "binary"}}},
                params=log_id,
            )
        },
        "/voice/{id}/upload-to-libretime": {
            "post": p.op(
                "Push a voice track to LibreTime (once)",
                "200",
                "VoiceTrack",
                errors=("409", *UPSTREAM),
                params=log_id,
            )
        },
        "/sync/tracks": {
            "post": p.op(
                "Pull the whole media library into tracks",
                "200",
                "TrackSync",
                errors=UPSTREAM,
                params=[
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": ids.MAX_ID}),
                    _query("batch_size", {"type": "integer", "minimum": 1, "maximum": 1000}),
                ],
            )
        },
        "/sync/playback-history": {
            "post": p.op(
                "Pull playout history for station-local dates (inclusive, at most 367 days)",
                "200",
                "HistorySync",
                body=_json_body("HistoryRange"),
                errors=UPSTREAM,
            )
        },
        "/playback-history": {
            "get": p.op(
                "Stored playback records",
                "200",
                "PlaybackList",
                params=[
                    _query("start", {"anyOf": [DATE, {"type": "string", "pattern": timeconv.INSTANT_PATTERN}]}),
                    _query("end", {"anyOf": [DATE, {"type": "string", "pattern": timeconv.INSTANT_PATTERN}]}),
                ],
            )
        },
        "/sync/status": {"get": p.op("Sync timestamps and a live LibreTime check", "200", "SyncStatus")},
        "/sync/libretime/config": {
            "get": p.op("Effective LibreTime settings (never the key)", "200", "LibreTimeConfig")
        },
        "/proxy/dashboard": {"get": p.op("Live LibreTime summary", "200", "Dashboard", errors=UPSTREAM)},
        "/proxy/files/{id}": {
            "get": p.op(
                "A LibreTime file's bytes",
                "200",
                ok_content={"*/*": {"schema": {"type": "string", "format": "binary"}}},
                errors=UPSTREAM,
                params=log_id,
            )
        },
    }
    doc: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "LibreLog", "version": "1.0.0", "description": "Daily logs, pushed to LibreTime."},
        "components": {
            "responses": {"Error": {"description": "Error", "content": _json_body("Error")}},
            "schemas": _schemas(),
        },
        "paths": paths,
    }
    if secured:
        doc["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
        doc["security"] = [{"bearer": []}]
    return doc
