"""Request bodies as DRF parses them: JSON, form-encoded and multipart."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

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
                name: {
                    "filename": f.filename,
                    "content_type": f.content_type,
                    "size": len(f.data),
                    "md5": hashlib.md5(f.data).hexdigest(),  # noqa: S324 - what LibreTime's md5 filter matches
                }
                for name, f in self.files.items()
            },
        }


BODY_KEY = web.RequestKey("body", Body)
_PARAM = re.compile(r'(?:^|;)\s*([\w*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))')


def _params(header: str) -> dict[str, str]:
    """The parameters after a header's first value (``form-data; name="x"``), lower-cased keys."""
    rest = header.partition(";")[2]
    return {
        m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3).strip()
        for m in _PARAM.finditer(";" + rest)
    }


def _boundary(content_type: str) -> str | None:
    return _params(content_type).get("boundary") or None


def _multipart(raw: bytes, boundary: str) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Django's MultiPartParser, as leniently: parts without a name are skipped, names may hold
    any character, text is UTF-8 with replacement, a file part without a file name is skipped, a
    body that never shows the boundary has no fields; the last value of a name wins."""
    data: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    for chunk in raw.split(b"--" + boundary.encode("latin-1"))[1:]:
        if chunk.startswith(b"--"):
            break  # the closing delimiter
        chunk = chunk.removeprefix(b"\r\n")
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            continue
        content = content.removesuffix(b"\r\n")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", errors="replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        params = _params(headers.get("content-disposition", ""))
        name = params.get("name")
        kind = headers.get("content-type", "")
        if name is None or kind.lower().startswith("multipart/"):
            continue  # no name, or a nested multipart: Django reads neither as a field
        if "filename" in params:
            if params["filename"]:
                files[name] = UploadedFile(params["filename"], kind or "application/octet-stream", content)
            continue
        data[name] = content.decode("utf-8", errors="replace")
    return data, files


def multipart_summary(raw: bytes, content_type: str) -> Any:
    """What a journal keeps of a multipart body read elsewhere (the interposer's): fields, and
    files as name, type, size and md5; None when the body has no boundary to read by."""
    boundary = _boundary(content_type)
    if not boundary:
        return None
    data, files = _multipart(raw, boundary)
    return Body(data=data, form=True, files=files).summary()


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
        boundary = _boundary(request.headers.get("Content-Type", ""))
        if not boundary:
            raise drf_detail(400, "Multipart form parse error - Invalid boundary in multipart: None")
        data, files = _multipart(await request.read(), boundary)
        body = Body(data=data, form=True, files=files)
    else:
        raise drf_detail(415, f'Unsupported media type "{request.headers["Content-Type"]}" in request.')
    request[BODY_KEY] = body
    return body
