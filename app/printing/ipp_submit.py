"""Handing a finished label PDF to the local CUPS scheduler over IPP, without `lp`.

`lp` costs a process per label (~16 ms of CPU) and four requests to the scheduler (it
looks the printer up and asks for the defaults before it creates the job), so a long run
spooled through it waits ~30–80 ms a label on `lp` alone. A label needs one request: an
IPP Print-Job (RFC 8011, 4.2.1) with the PDF behind it, posted to
`http://localhost:631/printers/NAME` — what `lp` itself ends up sending, with the same
job attributes (`copies`, `collate`, `media`, `print-scaling`, the PPD's `Resolution`,
the job's name and the user's). The scheduler answers with the job's id, named
"PRINTER-ID" as `lp` names it.

`IppSubmitter` posts it with `http.client` through the queue's `offload` (in the window a
worker thread: the GUI thread never waits), on a connection of its own per job, closed
after the answer, so a request is never sent again on a connection the scheduler had
dropped. (Qt's `QNetworkAccessManager` took ~13 ms a request here, 55 ms on a kept-alive
connection: its head and body go out as two writes and meet the peer's delayed ACK.) It
has `LpSubmitter`'s interface and results. Only the scheduler on this machine is spoken
to this way (`local_ipp_server`); when it cannot be — nothing listens on the port, or it
asks for a password — the job is handed to `lp` instead, which knows every other way to
reach CUPS (and so do all later jobs): nothing was accepted, so nothing is sent twice.
"""

from __future__ import annotations

import getpass
import http.client
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial

from PySide6.QtCore import QObject, QTimer

from app.core.loopback import is_loopback
from app.printing.cups_backend import LpRequest, LpResult, LpSubmitter
from app.printing.offload import Offload, run_inline

_PRINT_JOB = 0x0002
_OPERATION, _JOB, _END = 0x01, 0x02, 0x03
_INTEGER, _BOOLEAN = 0x21, 0x22
_NAME, _KEYWORD, _URI, _CHARSET, _LANGUAGE, _MIME = 0x42, 0x44, 0x45, 0x47, 0x48, 0x49
_TEXT = 0x41
#: Answers meaning nothing was accepted and `lp` may try (it can authenticate).
_HTTP_USE_LP = frozenset({401, 403, 426})


def local_ipp_server() -> str | None:
    """ "host:port" of the CUPS scheduler on this machine ($CUPS_SERVER when it names a
    loopback host, else localhost:631), or None when CUPS is elsewhere (or behind a
    socket file that $CUPS_SERVER names): then only `lp` spools."""
    server = os.environ.get("CUPS_SERVER", "")
    if not server:
        return "localhost:631"
    if server.startswith("/"):
        return None
    if server.startswith("["):  # [::1]:631
        host, _, rest = server[1:].partition("]")
        port = rest.lstrip(":")
    elif server.count(":") == 1:
        host, port = server.split(":")
    else:
        host, port = server, ""
    if not is_loopback(host):
        return None
    return f"[{host}]:{port or 631}" if ":" in host else f"{host}:{port or 631}"


def _attribute(tag: int, name: str, value: bytes | str) -> bytes:
    raw = value.encode("utf-8") if isinstance(value, str) else value
    key = name.encode("ascii")
    return struct.pack(">BH", tag, len(key)) + key + struct.pack(">H", len(raw)) + raw


def print_job_request(request: LpRequest, *, server: str, user: str, request_id: int) -> bytes:
    """The IPP Print-Job request (without the document) for `request` (see the module
    docstring); raises `ValueError` for fewer than one copy, as `lp_arguments` does."""
    check_copies(request)
    host = server.rsplit(":", 1)[0]
    parts = [
        struct.pack(">BBHI", 2, 0, _PRINT_JOB, request_id),
        bytes([_OPERATION]),
        _attribute(_CHARSET, "attributes-charset", "utf-8"),
        _attribute(_LANGUAGE, "attributes-natural-language", "en"),
        _attribute(_URI, "printer-uri", f"ipp://{host}/printers/{request.printer}"),
        _attribute(_NAME, "requesting-user-name", user),
        _attribute(_NAME, "job-name", request.title or "label"),
        _attribute(_MIME, "document-format", "application/pdf"),
        bytes([_JOB]),
        _attribute(_INTEGER, "copies", struct.pack(">i", request.copies)),
    ]
    if request.copies > 1:
        parts.append(_attribute(_BOOLEAN, "collate", b"\x01"))
    if request.media is not None:
        media = f"Custom.{request.media.width:g}x{request.media.height:g}mm"
        parts.append(_attribute(_KEYWORD, "media", media))
    parts.append(_attribute(_KEYWORD, "print-scaling", "none"))
    if request.dpi:
        parts.append(_attribute(_NAME, "Resolution", f"{request.dpi}dpi"))
    parts.append(bytes([_END]))
    return b"".join(parts)


@dataclass(frozen=True)
class IppAnswer:
    """The scheduler's answer: IPP status code, the job id and its status message."""

    status: int
    job_id: int | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status < 0x0100  # successful-ok and its variants


def parse_answer(data: bytes) -> IppAnswer:
    """Read an IPP answer's status, `job-id` and `status-message`; `ValueError` if garbled."""
    if len(data) < 9:
        raise ValueError("the answer is too short to be IPP")
    status = struct.unpack(">H", data[2:4])[0]
    job_id: int | None = None
    message = ""
    i, last = 8, ""
    while i < len(data):
        tag = data[i]
        i += 1
        if tag == _END:
            break
        if tag < 0x10:
            continue  # the start of an attribute group
        (length,) = struct.unpack(">H", data[i : i + 2])
        name = data[i + 2 : i + 2 + length].decode("utf-8", "replace") or last
        i += 2 + length
        (size,) = struct.unpack(">H", data[i : i + 2])
        value = data[i + 2 : i + 2 + size]
        i += 2 + size
        if len(value) != size:
            raise ValueError("the IPP answer ends inside an attribute")
        last = name
        if name == "job-id" and tag == _INTEGER and size == 4:
            job_id = struct.unpack(">i", value)[0]
        elif name == "status-message" and tag == _TEXT:
            message = value.decode("utf-8", "replace")
    return IppAnswer(status, job_id, message)


@dataclass(frozen=True)
class _Posted:
    """How one post went: `reached` False when no connection could be made (nothing sent)."""

    reached: bool
    http_status: int = 0
    body: bytes = b""
    error: str = ""


def post_ipp(server: str, path: str, body: bytes, timeout_s: float) -> _Posted:
    """POST `body` as `application/ipp` to `http://server/path` on a connection of its own
    (closed after the answer: a request is never resent); blocks, so run it off the GUI
    thread. http.client sends the head and body in one write (no Nagle wait)."""
    host, _, port = server.rpartition(":")
    connection = http.client.HTTPConnection(host.strip("[]"), int(port), timeout=timeout_s)
    try:
        try:
            connection.connect()
        except OSError as exc:
            return _Posted(False, error=str(exc))
        try:
            connection.request(
                "POST",
                path,
                body=body,
                headers={"Content-Type": "application/ipp", "Connection": "close"},
            )
            response = connection.getresponse()
            return _Posted(True, response.status, response.read())
        except (OSError, http.client.HTTPException) as exc:
            return _Posted(True, error=str(exc) or type(exc).__name__)
    finally:
        connection.close()


class IppSubmitter(QObject):
    """Spools one PDF at a time with an IPP Print-Job to `server` (module docstring); the
    interface of `LpSubmitter`, whose `lp` (`lp_path`, "" for none) takes over when the
    scheduler cannot be reached this way. The request itself (a blocking `http.client`
    post, a few ms) runs through `offload` (`app.printing.offload`): in the window on a
    worker thread; its answer comes back on this object's thread."""

    def __init__(
        self,
        server: str,
        lp_path: str,
        parent: QObject | None = None,
        *,
        offload: Offload = run_inline,
        timeout_s: float = 60.0,
        user: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._server = server
        self._lp_path = lp_path
        self._offload = offload
        self._timeout_s = timeout_s
        self._user = user  # None: the login name, looked up in the worker
        self._callback: Callable[[LpResult], None] | None = None
        self._pending: tuple[LpRequest, bytes] | None = None
        self._lp: LpSubmitter | None = None
        self._use_lp = False
        self._requests = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timeout)

    @property
    def busy(self) -> bool:
        return self._callback is not None or (self._lp is not None and self._lp.busy)

    @property
    def uses_lp(self) -> bool:
        """True once the scheduler could not be reached over IPP: `lp` spools from then on."""
        return self._use_lp

    def submit(self, request: LpRequest, pdf: bytes, callback: Callable[[LpResult], None]) -> None:
        """Spool `pdf` as `request`; `callback` gets the `LpResult` later."""
        if self.busy:
            raise RuntimeError("the previous job is still being spooled")
        check_copies(request)
        if self._use_lp:
            self._submit_lp(request, pdf, callback)
            return
        self._requests += 1
        number = self._requests
        self._callback = callback
        self._pending = (request, pdf)
        self._timer.start(int(self._timeout_s * 1000))
        server, user, timeout_s = self._server, self._user, self._timeout_s

        def post() -> _Posted:
            # the login name may come from /etc/passwd or a directory service: not here
            name = user or _user_name()
            body = print_job_request(request, server=server, user=name, request_id=number)
            return post_ipp(server, f"/printers/{request.printer}", body + pdf, timeout_s)

        self._offload(post, partial(self._on_posted, number), partial(self._on_crashed, number))

    def shutdown(self) -> None:
        """Stop waiting for a running job (it ends as uncertain: it may be in CUPS)."""
        if self._callback is not None and self._pending is not None:
            self._end(LpResult(False, "printing was stopped", uncertain=True))
        if self._lp is not None:
            self._lp.shutdown()

    def _submit_lp(
        self, request: LpRequest, pdf: bytes, callback: Callable[[LpResult], None]
    ) -> None:
        if not self._lp_path:
            callback(LpResult(False, f"CUPS at {self._server} cannot be reached"))
            return
        if self._lp is None:
            self._lp = LpSubmitter(self._lp_path, self, timeout_s=self._timeout_s)
        self._lp.submit(request, pdf, callback)

    def _on_crashed(self, number: int, exc: BaseException) -> None:
        if number == self._requests and self._pending is not None:
            self._end(LpResult(False, f"spooling failed: {exc}", uncertain=True))

    def _on_posted(self, number: int, posted: _Posted) -> None:
        pending, callback = self._pending, self._callback
        if number != self._requests or pending is None or callback is None:
            return  # it timed out or was stopped meanwhile
        if not posted.reached or posted.http_status in _HTTP_USE_LP:
            # Nothing was accepted: `lp` tries this job and spools every later one.
            self._use_lp = True
            self._release()
            self._submit_lp(pending[0], pending[1], callback)
            return
        if posted.error:
            self._end(LpResult(False, f"CUPS did not answer: {posted.error}", uncertain=True))
            return
        if posted.http_status != 200:
            self._end(LpResult(False, f"CUPS refused the job (HTTP {posted.http_status})"))
            return
        try:
            answer = parse_answer(posted.body)
        except ValueError as exc:
            self._end(LpResult(False, f"CUPS answered with no job: {exc}", uncertain=True))
            return
        if answer.ok and answer.job_id is not None:
            request_id = f"{pending[0].printer}-{answer.job_id}"
            self._end(LpResult(True, f"accepted by CUPS as {request_id}", request_id))
        elif answer.ok:
            self._end(LpResult(True, "accepted by CUPS"))
        else:
            self._end(LpResult(False, answer.message or f"IPP status 0x{answer.status:04x}"))

    def _on_timeout(self) -> None:
        if self._pending is not None:
            self._end(
                LpResult(
                    False,
                    f"CUPS did not answer within {self._timeout_s:g} s "
                    "(check the CUPS queue: the job may or may not be there)",
                    uncertain=True,
                )
            )

    def _release(self) -> None:
        self._requests += 1  # a late answer of this request is ignored
        self._callback = None
        self._pending = None
        self._timer.stop()

    def _end(self, result: LpResult) -> None:
        callback = self._callback
        self._release()
        if callback is not None:
            callback(result)


def check_copies(request: LpRequest) -> None:
    """Raise `ValueError` for fewer than one copy (nothing is sent then)."""
    if request.copies < 1:
        raise ValueError(f"copies must be at least 1, not {request.copies}")


@cache
def _user_name() -> str:
    """The login name for CUPS's job list (asked once: `$USER`, else the user database)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "anonymous"
