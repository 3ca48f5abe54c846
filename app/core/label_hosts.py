"""The hosts a label may load images, fonts and styles from (the label allow-list).

A rule is `scheme://host[:port]`; the host may start with `*.` to allow every subdomain
(not the bare domain itself). Only https is allowed, except plain http for this computer
(localhost, 127.0.0.0/8, ::1) — a label has no business with anything else. Without a
port a rule means the scheme's default port. The default list is WeChat's own static
hosts. Pure Python: the settings validate the text with `parse_allow_list`, the label
profile asks `AllowList.allows` about every request.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.core.loopback import is_loopback

DEFAULT_LABEL_HOSTS = "https://res.wx.qq.com https://mmbiz.qpic.cn"
_DEFAULT_PORTS = {"https": 443, "http": 80}
_HOST_RE = re.compile(r"^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


@dataclass(frozen=True)
class HostRule:
    """One allowed `scheme://host:port` (`host` may be `*.domain`)."""

    scheme: str
    host: str
    port: int

    def matches(self, scheme: str, host: str, port: int) -> bool:
        if scheme != self.scheme or port != self.port:
            return False
        if self.host.startswith("*."):
            return host.endswith(self.host[1:]) and len(host) > len(self.host) - 1
        return host == self.host

    def __str__(self) -> str:
        default = _DEFAULT_PORTS[self.scheme]
        port = "" if self.port == default else f":{self.port}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}{port}"


class AllowListError(ValueError):
    """An entry of the label allow-list that is not acceptable, and why."""


def parse_rule(text: str) -> HostRule:
    """One rule; raises `AllowListError` saying what is wrong with it."""
    parts = urlsplit(text.strip())
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.netloc:
        raise AllowListError(f"{text}: write it as https://host or https://host:port")
    if parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc:
        raise AllowListError(f"{text}: only scheme, host and port, no path or user")
    host = (parts.hostname or "").lower()
    try:
        port = parts.port or _DEFAULT_PORTS[scheme]
    except ValueError as exc:
        raise AllowListError(f"{text}: the port is not a number from 1 to 65535") from exc
    literal = host.strip("[]")
    try:
        ipaddress.ip_address(literal)
        is_ip = True
    except ValueError:
        is_ip = False
    if not is_ip and not _HOST_RE.match(host):
        raise AllowListError(f"{text}: {host or 'the host'} is not a host name")
    if scheme == "http" and not is_loopback(host):
        raise AllowListError(f"{text}: plain http only for this computer (127.0.0.1); use https")
    return HostRule(scheme, literal if is_ip else host, port)


def parse_allow_list(text: str) -> tuple[tuple[HostRule, ...], list[str]]:
    """The rules in `text` (separated by spaces, commas or new lines) and every problem."""
    rules: list[HostRule] = []
    problems: list[str] = []
    for item in re.split(r"[\s,;]+", text.strip()):
        if not item:
            continue
        try:
            rule = parse_rule(item)
        except AllowListError as exc:
            problems.append(str(exc))
            continue
        if rule not in rules:
            rules.append(rule)
    return tuple(rules), problems


@dataclass(frozen=True)
class AllowList:
    """The hosts labels may load from; everything else is blocked."""

    rules: tuple[HostRule, ...] = ()

    @classmethod
    def from_text(cls, text: str) -> AllowList:
        """The valid rules of `text` (invalid ones are left out: see `parse_allow_list`)."""
        return cls(parse_allow_list(text)[0])

    def allows(self, scheme: str, host: str, port: int | None) -> bool:
        scheme = scheme.lower()
        if scheme not in _DEFAULT_PORTS:
            return False
        host = host.strip("[]").lower()
        if scheme == "http" and not is_loopback(host):
            return False
        real_port = _DEFAULT_PORTS[scheme] if port is None or port < 0 else port
        return any(rule.matches(scheme, host, real_port) for rule in self.rules)

    def __str__(self) -> str:
        return " ".join(str(rule) for rule in self.rules)


def origin_of(scheme: str, host: str, port: int | None) -> str:
    """`scheme://host[:port]` as reported for a blocked request (the default port left out)."""
    scheme = scheme.lower()
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    if port is None or port < 0 or _DEFAULT_PORTS.get(scheme) == port:
        return f"{scheme}://{shown}"
    return f"{scheme}://{shown}:{port}"
