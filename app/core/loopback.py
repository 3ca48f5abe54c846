"""Which hosts are this computer: the one rule for where plain http (or a local scheduler)
is trusted.

`is_loopback(host)` is true for `localhost` (and `localhost.localdomain`), 127.0.0.0/8 and
::1, with or without the brackets of a URL. The WeChat API base (`app.wechat.http`), its
check in the settings (`app.core.settings_check`), the label allow-list
(`app.core.label_hosts`) and the print scheduler's address (`app.printing.ipp_submit`) all
ask it.
"""

from __future__ import annotations

import ipaddress

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


def is_loopback(host: str) -> bool:
    """True for `localhost`, 127.0.0.0/8 and ::1 (see the module docstring)."""
    host = host.strip("[]").lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
