"""Request bodies as DRF parses them: JSON, form-encoded and multipart."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from .errors import drf_detail


@dataclass
class UploadedFile:
    filename: str
    content_type: str
    data: bytes


@dataclass
class Body:
    data: Any
    form: bool = False
    files: dict[str, UploadedFile] = field(default_factory=dict)

    def fields(self) -> Any:
        """The fields with a multipart body's file parts among them, as DRF's request.data has it
        (a file part sent for a plain field is then refused by that field's validation)."""
        if not self.files or not isinstance(self.data, Mapping):
            return self.data
        return {**self.data, **self.files}

    def summary(self) -> Any:
        """What the journal keeps of a parsed multipart body (file bytes become sizes)."""
        return {
            "fields": self.data,
            "files": {
                name: {"filename": f.filename, "content_type": f.content_type, "size": len(f.data)}
                for name, f in self.files.items()
            },
        }


BODY_KEY = web.RequestKey("body", Body)


def _reject_constant(name: str) -> float:
    # DRF's strict JSONParser refuses NaN and Infinity.
    raise ValueError(f"Out of range float values are not permitted: {name!r}")


async def parse_body(request: web.Request) -> Body:
    """Parse once per request (the journal reads the cached result)."""
    cached = request.get(BODY_KEY)
    if cached is not None:
        return cached
    media_type = request.content_type if request.headers.get("Content-Type") else ""
    if not request.body_exists or not media_type:
        body = Body(data={}, form=media_type in {"application/x-www-form-urlencoded", "multipart/form-data"})
    elif media_type == "application/json":
        raw = await request.read()
        try:
            body = Body(data=json.loads(raw, parse_constant=_reject_constant) if raw.strip() else {})
        except (ValueError, UnicodeDecodeError) as exc:
            raise drf_detail(400, f"JSON parse error - {exc}") from None
    elif media_type == "application/x-www-form-urlencoded":
        raw = await request.read()
        try:
            text = raw.decode()
        except UnicodeDecodeError:
            text = raw.decode("iso-8859-1")  # Django's QueryDict falls back to Latin-1
        body = Body(data=dict(parse_qsl(text, keep_blank_values=True)), form=True)  # last value wins
    elif media_type == "multipart/form-data":
        try:
            posted = await request.post()
        except (ValueError, HttpProcessingError, UnicodeDecodeError) as exc:
            # Django's MultiPartParser refuses a body it cannot split; DRF answers 400 with its reason.
            boundary = request.content_type == "multipart/form-data" and "boundary=" not in request.headers.get(
                "Content-Type", ""
            )
            reason = "Invalid boundary in multipart: None" if boundary else (str(exc) or type(exc).__name__)
            raise drf_detail(400, f"Multipart form parse error - {reason}") from None
        data: dict[str, Any] = {}
        files: dict[str, UploadedFile] = {}
        for key, value in posted.items():  # last value wins, like QueryDict.__getitem__
            if isinstance(value, web.FileField):
                files[key] = UploadedFile(value.filename, value.content_type, value.file.read())
            else:
                data[key] = value
        body = Body(data=data, form=True, files=files)
    else:
        raise drf_detail(415, f'Unsupported media type "{request.headers["Content-Type"]}" in request.')
    request[BODY_KEY] = body
    return body
