"""The service's settings: the `service:` part of the configuration, checked once at start."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path

from ..config import Config
from ..errors import ConfigError

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class ServiceSettings:
    """Limits and access rules of one running service."""

    max_request_bytes: int
    max_input_chars: int
    max_concurrent: int
    timeout_s: float
    cors_origins: tuple[str, ...]
    key_hashes: frozenset[str]
    api_keys_file: Path | None

    @property
    def keys_required(self) -> bool:
        return bool(self.key_hashes)

    def public(self) -> dict:
        """What /v1/info tells a client about the limits."""
        return {"max_request_bytes": self.max_request_bytes, "max_input_chars": self.max_input_chars,
                "max_concurrent": self.max_concurrent, "timeout_s": self.timeout_s,
                "api_key_required": self.keys_required}


def read_key_hashes(path: Path) -> frozenset[str]:
    """The SHA-256 hashes (hex, one a line, '#' comments) in an API keys file; ConfigError naming the bad line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ConfigError(f"service.api_keys_file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read service.api_keys_file {path}: {exc}") from None
    hashes = set()
    for number, line in enumerate(lines, 1):
        entry = line.split("#", 1)[0].strip().lower()
        if not entry:
            continue
        entry = entry.removeprefix("sha256:")
        if not _HEX64.match(entry):
            raise ConfigError(f"{path}, line {number}: not a SHA-256 hash of a key (64 hex digits; "
                              "make one with: printf %s KEY | sha256sum)")
        hashes.add(entry)
    if not hashes:
        raise ConfigError(f"{path}: holds no key hashes")
    return frozenset(hashes)


def service_settings(cfg: Config) -> ServiceSettings:
    """The `service:` section (checked when the config loaded) with its API keys file read; ConfigError names
    a bad key file."""
    s = cfg.settings.service
    hashes = read_key_hashes(s.api_keys_file) if s.api_keys_file is not None else frozenset()
    return ServiceSettings(s.max_request_bytes, s.max_input_chars, s.max_concurrent, s.timeout_s, s.cors_origins,
                           hashes, s.api_keys_file)


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
