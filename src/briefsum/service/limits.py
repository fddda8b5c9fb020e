"""Request guards: the error type of the service, API keys, the body-size limit and the bounded job slots."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import threading
from typing import Any, Callable

from .settings import is_loopback


class ServiceError(Exception):
    """An error answered as JSON: an HTTP status, one line of text, and the kind of error."""

    def __init__(self, status: int, message: str, kind: str = "RequestError", headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind
        self.headers = headers or {}


def error_payload(status: int, message: str, kind: str) -> bytes:
    """The JSON body of every error response."""
    return json.dumps({"error": {"status": status, "kind": kind, "message": message}}, ensure_ascii=False).encode()


def key_matches(presented: str | None, hashes: frozenset[str]) -> bool:
    """True when the key's SHA-256 is one of the configured hashes (compared in constant time)."""
    if not presented:
        return False
    digest = hashlib.sha256(presented.encode("utf-8", "surrogatepass")).hexdigest()
    found = False
    for h in hashes:  # every hash is compared, so the time does not tell which one matched
        found |= hmac.compare_digest(digest, h)
    return found


def presented_key(headers: Any) -> str | None:
    """The API key of a request: `Authorization: Bearer KEY` or `X-API-Key: KEY`."""
    auth = headers.get("authorization") or ""
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return (headers.get("x-api-key") or "").strip() or None


class BodyLimit:
    """ASGI middleware: a request body over max_bytes is refused (413) before or while it is read, never held.

    The rest of a refused body is read and dropped (up to DRAIN_FACTOR times the limit), so that a client still
    sending gets the 413 instead of a reset connection; a client that asked `Expect: 100-continue` is answered
    before it sends anything.
    """

    DRAIN_FACTOR = 8

    def __init__(self, app: Callable, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> ServiceError:
        return ServiceError(413, f"request body is larger than the service's limit of {self.max_bytes:,} bytes "
                                 "(service.max_request_bytes)", "RequestTooLarge")

    async def _drain(self, receive: Callable, seen: int) -> None:
        budget = self.DRAIN_FACTOR * self.max_bytes
        while seen <= budget:
            message = await receive()
            if message["type"] != "http.request":
                return
            seen += len(message.get("body", b""))
            if not message.get("more_body", False):
                return

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                size = -1
            if size < 0 or size > self.max_bytes:
                err = self._too_large() if size > 0 else ServiceError(400, "bad Content-Length header")
                if headers.get(b"expect", b"").lower() != b"100-continue" and 0 < size <= 64 * self.max_bytes:
                    await self._drain(receive, 0)
                await send({"type": "http.response.start", "status": err.status,
                            "headers": [(b"content-type", b"application/json"), (b"connection", b"close")]})
                await send({"type": "http.response.body", "body": error_payload(err.status, err.message, err.kind)})
                return
        seen = 0

        async def limited_receive() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    if message.get("more_body", False):
                        await self._drain(receive, seen)
                    raise self._too_large()
            return message

        await self.app(scope, limited_receive, send)


class LoopbackHosts:
    """ASGI middleware for a service on loopback without API keys: a request must name a loopback host.

    A web page elsewhere could otherwise reach the service by DNS rebinding (its own name made to resolve to
    127.0.0.1) and read the answers. A request without a Host header (HTTP/1.0) is served.
    """

    def __init__(self, app: Callable):
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "http":
            host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1").strip()
            name = host.split("]", 1)[0] + "]" if host.startswith("[") else host.rsplit(":", 1)[0]
            if host and not is_loopback(name):
                message = (f"host {name[:60]!r} is not a loopback address: this service answers only requests "
                           "to 127.0.0.1 or localhost unless it has API keys (service.api_keys_file)")
                await send({"type": "http.response.start", "status": 400,
                            "headers": [(b"content-type", b"application/json")]})
                await send({"type": "http.response.body", "body": error_payload(400, message, "BadHost")})
                return
        await self.app(scope, receive, send)


class JobSlots:
    """At most `size` jobs at once; a request beyond that is told when to retry instead of waiting."""

    def __init__(self, size: int):
        self.size = size
        self._free = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._running = 0
        self._mean_s = 1.0  # running mean of job durations, for Retry-After

    @property
    def running(self) -> int:
        return self._running

    def try_acquire(self) -> bool:
        if not self._free.acquire(blocking=False):
            return False
        with self._lock:
            self._running += 1
        return True

    def release(self, took_s: float) -> None:
        with self._lock:
            self._running -= 1
            self._mean_s = 0.8 * self._mean_s + 0.2 * max(0.0, took_s)
        self._free.release()

    def retry_after(self) -> int:
        """Whole seconds after which a slot is likely free (at least 1)."""
        return max(1, math.ceil(self._mean_s))

    def busy_error(self) -> ServiceError:
        wait = self.retry_after()
        return ServiceError(429, f"the service is busy: {self.size} jobs are running (service.max_concurrent); "
                                 f"retry in {wait} s", "Busy", {"Retry-After": str(wait)})
