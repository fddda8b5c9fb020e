"""From an HTTP request (JSON, or a multipart form with an uploaded file) to the arguments of summarise()/translate().

Only the request's body is read: no field is ever taken as a file-system path. An uploaded file is decoded as the
command line decodes a file (text.normalise.decode_bytes); its name is used in messages only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import EmptyInputError, InputError
from .limits import ServiceError

ENGINES = ("auto", "offline", "neural")
FORMATS = ("json", "markdown")
# Fields each endpoint accepts, with their kind: str, bool, grades (list or comma-separated), target (None allowed).
SUMMARISE_FIELDS = {"text": "str", "lang": "str", "target": "target", "grades": "grades", "engine": "engine",
                    "translation": "bool", "trace": "bool", "format": "format", "encoding": "str"}
TRANSLATE_FIELDS = {"text": "str", "source": "str", "target": "str", "engine": "engine", "encoding": "str"}
# Declared types of an uploaded file that may hold text (the bytes decide in the end, as for the CLI).
_TEXT_TYPES = ("text/", "application/xhtml+xml", "application/xml", "application/octet-stream")
_UNSAFE_NAME = re.compile(r"[^\w .,()+@-]", re.UNICODE)
MAX_OPTION_CHARS = 200  # an option other than the text (a grade list, an encoding name) is short; messages echo it
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


@dataclass
class Job:
    """A parsed request: the article text and the options given for it."""

    text: str
    options: dict[str, Any] = field(default_factory=dict)


def upload_name(filename: str | None) -> str:
    """A safe label for an uploaded file in messages: its last path part, printable, at most 80 characters."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE_NAME.sub("_", base).strip()[:80]
    return base or "uploaded file"


def _bad(message: str) -> ServiceError:
    return ServiceError(400, message, "BadRequest")


def _convert(name: str, kind: str, value: Any, from_form: bool) -> Any:
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if from_form and isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
            return value.strip().lower() in _TRUE
        raise _bad(f"field '{name}' must be true or false")
    if kind == "target":
        if value is None:
            return None
        if not isinstance(value, str):
            raise _bad(f"field '{name}' must be a language code, or none")
        return None if value.strip().lower() in ("none", "source", "") else value.strip()
    if kind == "grades":
        if isinstance(value, str):
            return [g.strip() for g in value.split(",")]
        if isinstance(value, list) and all(isinstance(g, str) for g in value):
            return value
        raise _bad(f"field '{name}' must be a list of grade names or a comma-separated string")
    if kind in ("engine", "format"):
        allowed = ENGINES if kind == "engine" else FORMATS
        if value is None and kind == "engine":
            return None
        if not isinstance(value, str) or value.strip().lower() not in allowed:
            raise _bad(f"field '{name}' must be one of {', '.join(allowed)}, got {value!r}"[:300])
        return value.strip().lower()
    if not isinstance(value, str):
        raise _bad(f"field '{name}' must be a string")
    return value


def _check_language(name: str, code: str | None) -> None:
    from ..text.langid import known_language

    if code is None or code.strip().lower() in ("", "auto"):
        return
    if not known_language(code.strip()):
        raise _bad(f"unknown language code '{code.strip()[:20]}' in field '{name}' "
                   "(use an ISO 639-1 code such as fr or en)")


def _options(raw: dict[str, Any], allowed: dict[str, str], from_form: bool) -> dict[str, Any]:
    unknown = [k for k in raw if k not in allowed and k != "file"]
    if unknown:
        raise _bad(f"unknown field '{unknown[0][:40]}' (known: {', '.join(k for k in allowed if k != 'text')}, "
                   "and text or file)")
    for k, v in raw.items():
        parts = v if isinstance(v, list) else [v]
        if k != "text" and sum(len(x) for x in parts if isinstance(x, str)) > MAX_OPTION_CHARS:
            raise _bad(f"field '{k}' is too long (at most {MAX_OPTION_CHARS} characters)")
    out = {k: _convert(k, allowed[k], v, from_form) for k, v in raw.items() if k in allowed}
    for key in ("lang", "source", "target"):
        if key in out and key in allowed:
            _check_language(key, out[key])
    return out


def _request_kind(request: Any) -> str:
    ctype = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    if ctype == "application/json":
        return "json"
    if ctype == "multipart/form-data":
        return "multipart"
    shown = ctype[:60] or "none"
    raise ServiceError(415, f"unsupported request type '{shown}' (send application/json, or multipart/form-data "
                            "with a file or text field)", "UnsupportedMediaType")


def decode_upload(data: bytes, name: str, encoding: str | None) -> str:
    """An uploaded file's text, decoded as the command line decodes a file; errors as ServiceError."""
    from ..text.normalise import decode_bytes

    if not data.strip():
        raise EmptyInputError(f"{name}: is empty")
    try:
        return decode_bytes(data, encoding, name=name)
    except InputError as exc:
        raise ServiceError(415, str(exc), "UnsupportedMediaType") from None
    except (UnicodeError, ValueError):  # codecs such as punycode or idna fail with a plain UnicodeError
        raise ServiceError(415, f"{name}: cannot be decoded as {encoding}", "UnsupportedMediaType") from None


async def _read_json(request: Any) -> dict[str, Any]:
    body = await request.body()
    if not body.strip():
        raise _bad("request body is empty (send a JSON object with a text field)")
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise _bad(f"request body is not valid JSON (line {exc.lineno}, column {exc.colno})") from None
    except (ValueError, RecursionError):  # not UTF-8, an integer too long, nested too deeply
        raise _bad("request body is not usable JSON (not UTF-8, a number too long or nesting too deep)") from None
    if not isinstance(data, dict):
        raise _bad("request body must be a JSON object with a text field")
    return data


async def _read_form(request: Any, max_bytes: int) -> tuple[dict[str, Any], Any]:
    from starlette.exceptions import HTTPException

    try:
        form = await request.form(max_files=1, max_fields=len(SUMMARISE_FIELDS) + 1, max_part_size=max_bytes)
    except HTTPException as exc:  # malformed multipart, too many parts
        raise _bad(f"bad multipart form: {exc.detail}") from None
    raw: dict[str, Any] = {}
    upload = None
    for key, value in form.multi_items():
        if key in raw or (key == "file" and upload is not None):
            raise _bad(f"field '{key[:40]}' given twice")
        if hasattr(value, "read"):  # an uploaded file
            if key != "file":
                raise _bad(f"a file was sent in field '{key[:40]}'; send it as 'file'")
            upload = value
            raw["file"] = True
        else:
            raw[key] = value
    return raw, upload


async def read_job(request: Any, allowed: dict[str, str], max_bytes: int, max_chars: int) -> Job:
    """Parse one request into a Job; ServiceError (or a briefsum InputError) for anything unusable."""
    kind = _request_kind(request)
    upload = None
    if kind == "json":
        raw = await _read_json(request)
        if "file" in raw:
            raise _bad("a JSON request carries the article in 'text'; upload a file with multipart/form-data")
    else:
        raw, upload = await _read_form(request, max_bytes)
    options = _options(raw, allowed, kind == "multipart")
    text = options.pop("text", None)
    encoding = options.pop("encoding", None)
    if upload is not None:
        if text is not None:
            raise _bad("send either a text field or a file, not both")
        name = upload_name(upload.filename)
        declared = (upload.content_type or "").split(";", 1)[0].strip().lower()
        if declared and not declared.startswith(_TEXT_TYPES):
            raise ServiceError(415, f"{name}: unsupported file type {declared[:60]} (send plain text or an HTML page)",
                               "UnsupportedMediaType")
        text = decode_upload(await upload.read(), name, encoding)
    elif text is None:
        raise _bad("no article: send a 'text' field, or a 'file' in a multipart form")
    elif encoding is not None:
        raise _bad("field 'encoding' applies to an uploaded file only")
    if len(text) > max_chars:
        raise ServiceError(413, f"input has {len(text):,} characters, more than the service's limit of "
                                f"{max_chars:,} (service.max_input_chars)", "InputTooLargeError")
    return Job(text, options)
