"""`briefsum serve`: run the REST service and web page with uvicorn. Errors: one line, exit 2 (usage/config) or 1."""

from __future__ import annotations

import argparse
import socket
import sys

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        sys.stderr.write(f"briefsum serve: {message} (see briefsum serve --help)\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="briefsum serve",
                description="Serve briefsum over HTTP: a REST API under /v1/ and a web page at /.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, loopback only)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 picks a free one)")
    p.add_argument("--config", help="YAML config file merged over the defaults (its service: section sets the limits)")
    p.add_argument("--allow-no-keys", action="store_true",
                   help="serve on a non-loopback address without API keys (refused otherwise)")
    p.add_argument("--no-warm", action="store_true", help="skip the warm-up call that loads the models at start")
    p.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug"))
    return p


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        from ..config import load_config
        from ..errors import BriefsumError
        from .settings import is_loopback, service_settings
    except ImportError as exc:  # pragma: no cover - the package's own modules
        sys.stderr.write(f"briefsum serve: {exc}\n")
        return 1
    try:
        cfg = load_config(args.config)
        settings = service_settings(cfg)
    except BriefsumError as exc:
        sys.stderr.write(f"briefsum serve: {exc}\n")
        return exc.exit_code
    if not is_loopback(args.host) and not settings.keys_required and not args.allow_no_keys:
        sys.stderr.write(f"briefsum serve: refusing to serve on {args.host} without API keys: set "
                         "service.api_keys_file in a config, or pass --allow-no-keys\n")
        return EXIT_USAGE
    if not 0 <= args.port <= 65535:
        sys.stderr.write(f"briefsum serve: port {args.port} is not between 0 and 65535\n")
        return EXIT_USAGE
    try:
        import uvicorn

        from .app import create_app
    except ImportError as exc:
        sys.stderr.write(f"briefsum serve: the service needs extra packages: {exc} (pip install 'briefsum[serve]')\n")
        return 1
    try:
        sock = _bind(args.host, args.port)
    except OSError as exc:
        sys.stderr.write(f"briefsum serve: {exc}\n")
        return 1
    host, port = sock.getsockname()[:2]
    app = create_app(cfg, settings, warm=not args.no_warm,
                     loopback_hosts=is_loopback(args.host) and not settings.keys_required)
    keys = f"API keys from {settings.api_keys_file}" if settings.keys_required else "no API keys"
    sys.stderr.write(f"briefsum serve: http://{host}:{port}/ ({keys}; up to {settings.max_concurrent} jobs at once, "
                     f"{settings.timeout_s:g} s each)\n")
    sys.stderr.flush()
    server = uvicorn.Server(uvicorn.Config(app, log_level=args.log_level, server_header=False,
                                           timeout_graceful_shutdown=5))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        return 130
    finally:
        sock.close()
    return 0 if server.started else 1
