"""The Starlette application: the web page, /v1/summarise, /v1/translate, /v1/health, /v1/info, /v1/openapi.json.

Every job runs in a worker thread (never on the event loop) under a bounded number of slots and a time budget;
every error is answered as JSON with one line of text, never a traceback.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import re
import threading
import time
from importlib import resources
from typing import Any, Callable, Mapping

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import __version__
from ..config import Config, deep_merge, load_config
from ..errors import (BriefsumError, InputError, InputTooLargeError, ModelUnavailable,
                      UnknownGradeError, UnsupportedLanguageError)
from .limits import BodyLimit, JobSlots, LoopbackHosts, ServiceError, error_payload, key_matches, presented_key
from .requests import SUMMARISE_FIELDS, TRANSLATE_FIELDS, read_job
from .settings import ServiceSettings, service_settings

log = logging.getLogger("briefsum.service")
WARM_TEXT = ("Les maires de vingt villes ont adopté jeudi une déclaration commune sur l'eau potable. "
             "Le texte fixe un objectif : réduire de moitié les fuites des réseaux d'ici à 2030.")
_SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                     "X-Frame-Options": "DENY", "Cache-Control": "no-store"}


def status_of(exc: BaseException) -> tuple[int, str, str]:
    """(HTTP status, one-line message, kind) for an exception; the message is the CLI's line without its prefix."""
    if isinstance(exc, ServiceError):
        return exc.status, exc.message, exc.kind
    kind = type(exc).__name__
    if isinstance(exc, InputTooLargeError):
        return 413, str(exc), kind
    if isinstance(exc, UnknownGradeError):
        return 400, str(exc), kind
    if isinstance(exc, (InputError, UnsupportedLanguageError)):
        return 422, str(exc), kind
    if isinstance(exc, ModelUnavailable):
        return 503, str(exc), kind
    if isinstance(exc, BriefsumError):  # ConfigError, BackendError: the service's side
        return 500, str(exc), kind
    if isinstance(exc, MemoryError):
        return 500, "out of memory (try a smaller input)", "MemoryError"
    return 500, f"internal error: {type(exc).__name__} (the service log has the details)", "InternalError"


def error_response(status: int, message: str, kind: str, headers: dict | None = None) -> Response:
    return Response(error_payload(status, " ".join(message.split()), kind), status_code=status,
                    media_type="application/json", headers={**_SECURITY_HEADERS, **(headers or {})})


def _packaged(name: str) -> str:
    return resources.files("briefsum.service").joinpath(name).read_text(encoding="utf-8")


def _csp(page: str) -> str:
    """A Content-Security-Policy that allows exactly the page's own inline script and style, and nothing remote."""
    def hashes(tag: str) -> str:
        found = re.findall(rf"<{tag}>(.*?)</{tag}>", page, re.S)
        return " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
                        for s in found)
    return (f"default-src 'none'; script-src {hashes('script')}; style-src {hashes('style')}; "
            "connect-src 'self'; img-src 'self' data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'")


class Service:
    """The state of one running service: its configuration, limits and job slots."""

    def __init__(self, cfg: Config, settings: ServiceSettings):
        budget = min(cfg.settings.limits.backend_timeout_s, settings.timeout_s)
        # An external backend (Apertium) is stopped within the request's time budget.
        self.cfg = Config(deep_merge(cfg.data, {"limits": {"backend_timeout_s": budget}}), cfg.base_dir)
        self.settings = settings
        self.slots = JobSlots(settings.max_concurrent)
        self.page = _packaged("page.html")
        self.page_csp = _csp(self.page)
        self.openapi = json.loads(_packaged("openapi.json"))
        self._info: dict | None = None

    def warm(self) -> None:
        """Load what every request needs (language identification, the scorer, the engine's models) once."""
        from ..api import summarise

        try:
            summarise(WARM_TEXT, config=self.cfg)
        except BriefsumError as exc:
            log.warning("warm-up call failed: %s", exc)

    def info(self) -> dict:
        if self._info is None:
            from ..translation.apertium import ApertiumTranslator

            known = self.cfg.settings
            ap = known.apertium
            tr = ApertiumTranslator(ap.routes, ap.packages, ap.binary)
            routes = {pair: tr.missing_reason(*pair.split("-", 1)) is None for pair in ap.routes}
            neural = {task: {key: (v.get("model") if isinstance(v, Mapping) else v)
                             for key, v in known.models.table(task).items()}
                      for task in ("translation", "summarisation", "headline", "multilingual")}
            self._info = {
                "name": "briefsum", "version": __version__,
                "engines": {"available": ["auto", "offline", "neural"],
                            "default": known.engine_default},
                "grades": {spec.name: {"max_words": spec.max_words} for spec in known.grades},
                "models": {"offline": {"scorer": known.offline.scorer,
                                       "translator": "apertium", "apertium_routes": routes},
                           "neural": neural},
                "limits": self.settings.public(),
            }
        return self._info

    def check_key(self, request: Request) -> None:
        if self.settings.keys_required and not key_matches(presented_key(request.headers), self.settings.key_hashes):
            raise ServiceError(401, "missing or wrong API key (send Authorization: Bearer KEY)", "Unauthorized",
                               {"WWW-Authenticate": "Bearer"})

    async def run(self, fn: Callable[[], Any]) -> Any:
        """Run fn in a worker thread under a job slot and the time budget; 429 when every slot is taken."""
        slots = self.slots
        if not slots.try_acquire():
            raise slots.busy_error()
        lock = threading.Lock()
        state = {"started": False, "abandoned": False}
        t0 = time.monotonic()

        def work() -> Any:
            with lock:
                if state["abandoned"]:
                    return None
                state["started"] = True
            try:
                return fn()
            finally:  # the slot is held until the work really ends, even past the time budget
                slots.release(time.monotonic() - t0)

        try:
            with anyio.fail_after(self.settings.timeout_s):
                return await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
        except TimeoutError:
            with lock:
                state["abandoned"] = True
                if not state["started"]:
                    slots.release(time.monotonic() - t0)
            raise ServiceError(504, f"the request took longer than the service's time budget of "
                                    f"{self.settings.timeout_s:g} s (service.timeout_s)", "Timeout") from None


def _endpoint(handler: Callable) -> Callable:
    """Wrap a handler so that every failure becomes a JSON error response."""
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except Exception as exc:  # noqa: BLE001 - the one place errors become responses
            status, message, kind = status_of(exc)
            if status >= 500:
                log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
            headers = exc.headers if isinstance(exc, ServiceError) else None
            return error_response(status, message, kind, headers)
    return wrapped


def _json(data: Any) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, indent=2) + "\n", media_type="application/json",
                    headers=_SECURITY_HEADERS)


async def _http_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        if exc.status_code == 405:
            return error_response(405, f"method {request.method} is not allowed on {request.url.path[:100]}",
                                  "MethodNotAllowed", {"Allow": (exc.headers or {}).get("Allow", "")})
        if exc.status_code == 404:
            return error_response(404, f"no such endpoint: {request.url.path[:100]} (see /v1/openapi.json)",
                                  "NotFound")
        return error_response(exc.status_code, str(exc.detail), "HTTPError")
    status, message, kind = status_of(exc)
    return error_response(status, message, kind)


def _routes(svc: Service) -> list[Route]:
    """The service's endpoints, each a closure over the running service."""
    async def page(request: Request) -> Response:
        return Response(svc.page, media_type="text/html; charset=utf-8",
                        headers={**_SECURITY_HEADERS, "Content-Security-Policy": svc.page_csp})

    async def health(request: Request) -> Response:
        return _json({"status": "ok", "version": __version__, "running": svc.slots.running,
                      "max_concurrent": svc.slots.size})

    async def info(request: Request) -> Response:
        return _json(await anyio.to_thread.run_sync(svc.info))

    async def openapi(request: Request) -> Response:
        return _json(svc.openapi)

    async def summarise_endpoint(request: Request) -> Response:
        from ..api import summarise
        from ..render import render
        from .trace import trace

        svc.check_key(request)
        job = await read_job(request, SUMMARISE_FIELDS, svc.settings.max_request_bytes, svc.settings.max_input_chars)
        opts = dict(job.options)
        with_trace = opts.pop("trace", False)
        fmt = opts.pop("format", "json")

        def work() -> Response:
            brief = summarise(job.text, config=svc.cfg, **opts)
            if fmt == "markdown":
                return Response(render(brief, "markdown", bool(opts.get("translation"))),
                                media_type="text/markdown; charset=utf-8", headers=_SECURITY_HEADERS)
            if not with_trace:  # byte for byte what `briefsum FILE --format json` prints
                return Response(brief.to_json() + "\n", media_type="application/json", headers=_SECURITY_HEADERS)
            data = brief.to_dict()
            data["trace"] = trace(brief, job.text)
            data["trace"]["markdown"] = render(brief, "markdown", bool(opts.get("translation")))
            return _json(data)

        return await svc.run(work)

    async def translate_endpoint(request: Request) -> Response:
        from ..api import translate

        svc.check_key(request)
        job = await read_job(request, TRANSLATE_FIELDS, svc.settings.max_request_bytes, svc.settings.max_input_chars)
        opts = dict(job.options)
        if "source" in opts and not opts["source"].strip():
            opts["source"] = "auto"
        return await svc.run(lambda: Response(translate(job.text, config=svc.cfg, **opts).to_json() + "\n",
                                              media_type="application/json", headers=_SECURITY_HEADERS))

    return [
        Route("/", _endpoint(page), methods=["GET"]),
        Route("/v1/health", _endpoint(health), methods=["GET"]),
        Route("/v1/info", _endpoint(info), methods=["GET"]),
        Route("/v1/openapi.json", _endpoint(openapi), methods=["GET"]),
        Route("/v1/summarise", _endpoint(summarise_endpoint), methods=["POST"]),
        Route("/v1/translate", _endpoint(translate_endpoint), methods=["POST"]),
    ]


def create_app(config: Any = None, settings: ServiceSettings | None = None, warm: bool = True,
               loopback_hosts: bool = False) -> Starlette:
    """The service as an ASGI application (config: what load_config takes; settings: its `service:` part).

    loopback_hosts: answer only requests whose Host is a loopback address (a service on loopback without keys).
    """
    cfg = load_config(config)
    svc = Service(cfg, settings or service_settings(cfg))

    routes = _routes(svc)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        if warm:
            await anyio.to_thread.run_sync(svc.warm)
        await anyio.to_thread.run_sync(svc.info)
        yield

    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: _http_error, Exception: _http_error})
    if svc.settings.cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(svc.settings.cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["Authorization", "X-API-Key", "Content-Type"])
    app.add_middleware(BodyLimit, max_bytes=svc.settings.max_request_bytes)
    if loopback_hosts:
        app.add_middleware(LoopbackHosts)
    app.state.service = svc
    return app

