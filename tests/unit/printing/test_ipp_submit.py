"""ipp_submit: a label spooled with one IPP Print-Job to the real CUPS scheduler (the job's
attributes read back from CUPS), its refusals, and `lp` taking over when the scheduler
cannot be reached over IPP."""

from __future__ import annotations

import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWebEngineCore import QWebEngineProfile
from pytestqt.qtbot import QtBot

from app.core.model import PageSizeMm
from app.core.print_outcome import OutcomeKind, PrintResult
from app.printing.cups_backend import LpRequest, LpResult
from app.printing.ipp_submit import IppSubmitter, _user_name, local_ipp_server, parse_answer
from app.printing.queue import PrintJob, PrintQueue
from app.printing.render import LabelRenderer
from app.ui.background import BackgroundRunner
from tests.fixtures.calls import calls_by_thread
from tests.fixtures.cups import CupsPdfQueue, start_cups
from tests.fixtures.qt import barcode_label_html
from tests.unit.printing.fake_lp import FakeLp


def submit_and_wait(
    qtbot: QtBot, submitter: IppSubmitter, request: LpRequest, pdf: bytes
) -> LpResult:
    results: list[LpResult] = []
    submitter.submit(request, pdf, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=30_000)
    assert not submitter.busy
    assert len(results) == 1
    return results[0]


def job_attributes(job_id: int) -> dict[str, str]:
    out = subprocess.run(
        ["ipptool", "-tv", f"ipp://localhost/jobs/{job_id}", "get-job-attributes.test"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    attributes: dict[str, str] = {}
    for line in out.splitlines():
        name, sep, value = line.strip().partition(" = ")
        if sep and " (" in name:
            attributes[name.split(" (")[0]] = value
    return attributes


@pytest.fixture
def unused_port() -> Iterator[int]:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    yield port


@pytest.mark.cups
def test_a_label_is_one_print_job_with_lp_s_attributes(
    qtbot: QtBot, renderer: LabelRenderer, cups_pdf_queue: CupsPdfQueue
) -> None:
    pdf = renderer.render_pdf_blocking(barcode_label_html("SF91", 76, 130), None)
    submitter = IppSubmitter("localhost:631", "")
    request = LpRequest(cups_pdf_queue.name, "SF91", copies=2, media=PageSizeMm(76, 130), dpi=203)
    result = submit_and_wait(qtbot, submitter, request, pdf)
    assert result.ok, result.message
    assert result.request_id is not None
    printer, _, number = result.request_id.rpartition("-")
    assert printer == cups_pdf_queue.name
    assert result.message == f"accepted by CUPS as {result.request_id}"
    attributes = job_attributes(int(number))
    assert attributes["copies"] == "2"
    assert attributes["collate"] == "true"
    assert attributes["media"] == "Custom.76x130mm"
    assert attributes["print-scaling"] == "none"
    assert attributes["Resolution"] == "203dpi"
    assert attributes["document-format"] == "application/pdf"
    assert not submitter.uses_lp
    # cups-pdf names its file after the job's name
    qtbot.waitUntil(lambda: cups_pdf_queue.pdf_for_job(int(number)) is not None, timeout=60_000)
    printed = cups_pdf_queue.pdf_for_job(int(number))
    assert printed is not None and printed.name.startswith("SF91")


@pytest.mark.cups
def test_cups_refusing_a_job_is_a_refusal_not_a_doubt(
    qtbot: QtBot, cups_pdf_queue: CupsPdfQueue, qapp: object
) -> None:
    submitter = IppSubmitter("localhost:631", "")
    result = submit_and_wait(qtbot, submitter, LpRequest("NoSuchQueue", "SF92"), b"%PDF-1.7")
    assert not result.ok
    assert not result.uncertain
    assert "does not exist" in result.message


def test_lp_takes_over_when_nothing_listens(
    qtbot: QtBot, fake_lp: FakeLp, unused_port: int, qapp: object
) -> None:
    submitter = IppSubmitter(f"127.0.0.1:{unused_port}", str(fake_lp.path))
    first = submit_and_wait(qtbot, submitter, LpRequest("LabelPDF", "SF93"), b"%PDF-1.7 a")
    assert first == LpResult(True, "accepted by CUPS as Fake-1", "Fake-1")
    assert submitter.uses_lp
    second = submit_and_wait(qtbot, submitter, LpRequest("LabelPDF", "SF94"), b"%PDF-1.7 b")
    assert second.request_id == "Fake-2"
    assert [(c.option("-t"), c.document) for c in fake_lp.calls()] == [
        ("SF93", b"%PDF-1.7 a"),
        ("SF94", b"%PDF-1.7 b"),
    ]


def test_the_login_name_is_looked_up_where_the_job_is_posted_not_on_the_gui_thread(
    qtbot: QtBot, unused_port: int, runner: BackgroundRunner
) -> None:
    """Without `$USER` the name comes from the user database (possibly a directory
    server): looked up in the background helper with the post, once."""
    _user_name.cache_clear()
    submitter = IppSubmitter(f"127.0.0.1:{unused_port}", "", offload=runner.offload)
    with calls_by_thread(_user_name.__wrapped__) as calls:
        for waybill in ("SF96", "SF97"):
            submit_and_wait(qtbot, submitter, LpRequest("LabelPDF", waybill), b"%PDF-1.7")
    assert len(calls) == 1 and calls[0][1] != threading.main_thread().ident


def test_no_scheduler_and_no_lp_is_a_failure(qtbot: QtBot, unused_port: int, qapp: object) -> None:
    submitter = IppSubmitter(f"127.0.0.1:{unused_port}", "")
    result = submit_and_wait(qtbot, submitter, LpRequest("LabelPDF", "SF95"), b"%PDF-1.7")
    assert not result.ok
    assert "cannot be reached" in result.message


def test_a_scheduler_that_never_answers_leaves_the_job_in_doubt(qtbot: QtBot, qapp: object) -> None:
    with socket.socket() as listener:  # accepts connections (backlog), never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        port = listener.getsockname()[1]
        submitter = IppSubmitter(f"127.0.0.1:{port}", "", timeout_s=0.5)
        result = submit_and_wait(qtbot, submitter, LpRequest("LabelPDF", "SF96"), b"%PDF")
    assert not result.ok
    assert result.uncertain


def test_the_local_scheduler_is_found_from_cups_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CUPS_SERVER", raising=False)
    assert local_ipp_server() == "localhost:631"
    for server, expected in [
        ("localhost", "localhost:631"),
        ("127.0.0.1:8631", "127.0.0.1:8631"),
        ("[::1]:631", "[::1]:631"),
        ("/run/cups/cups.sock", None),
        ("printhost.example:631", None),
        ("192.0.2.7", None),
    ]:
        monkeypatch.setenv("CUPS_SERVER", server)
        assert local_ipp_server() == expected, server


def test_a_garbled_answer_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_answer(b"\x02\x00")
    # version, status 0x0406 (not found), request id, a status-message cut short
    with pytest.raises(ValueError):
        parse_answer(b"\x02\x00\x04\x06\x00\x00\x00\x01\x01\x41\x00\x0estatus-message\x00\x20ab")


def test_an_answer_names_its_job_and_message() -> None:
    answer = parse_answer(
        b"\x02\x00\x00\x00\x00\x00\x00\x01\x01"
        b"\x41\x00\x0estatus-message\x00\x02ok"
        b"\x02\x21\x00\x06job-id\x00\x04\x00\x00\x01\x2c\x03"
    )
    assert (answer.ok, answer.job_id, answer.message) == (True, 300, "ok")


def test_fewer_than_one_copy_is_refused_before_anything_is_sent(qapp: object) -> None:
    submitter = IppSubmitter("127.0.0.1:9", "")
    with pytest.raises(ValueError, match="copies must be at least 1"):
        submitter.submit(LpRequest("P", "t", copies=0), b"%PDF", lambda _r: None)
    assert not submitter.busy


def test_one_job_at_a_time_and_a_stopped_one_is_in_doubt(qapp: object) -> None:
    submitter = IppSubmitter("127.0.0.1:9", "", offload=_never_runs)
    ended: list[LpResult] = []
    submitter.submit(LpRequest("P", "a"), b"%PDF", ended.append)
    assert submitter.busy
    with pytest.raises(RuntimeError, match="still being spooled"):
        submitter.submit(LpRequest("P", "b"), b"%PDF", lambda _r: None)
    submitter.shutdown()
    assert not submitter.busy
    assert len(ended) == 1
    assert ended[0].uncertain


def _never_runs(work: object, done: object, failed: object) -> None:
    """An offload whose work never comes back (a post still under way)."""


@pytest.fixture
def own_queue() -> Iterator[str]:
    """A cups-pdf queue of this test's own, which the test removes."""
    name = "IppGone"
    start_cups(name, Path("/var/spool/cups-pdf") / name)
    yield name
    subprocess.run(["lpadmin", "-x", name], check=False)


@pytest.mark.cups
def test_a_printer_removed_while_known_refuses_then_is_not_found(
    qtbot: QtBot, label_profile: QWebEngineProfile, own_queue: str
) -> None:
    """A long run asks CUPS for its printer once every `PRINTER_KNOWN_S`, not per label: a
    printer removed meanwhile refuses the next label (nothing printed), and the label
    after that finds no printer."""
    queue = PrintQueue(label_profile)
    ended: dict[int, PrintResult] = {}
    queue.jobEnded.connect(lambda job_id, result: ended.__setitem__(job_id, result))

    def job(n: int) -> PrintJob:
        return PrintJob(n, barcode_label_html(f"SF9{n}", 76, 130), PageSizeMm(76, 130), own_queue)

    try:
        queue.submit(job(1))
        qtbot.waitUntil(lambda: 1 in ended, timeout=30_000)
        assert ended[1].kind is OutcomeKind.SPOOLED
        subprocess.run(["lpadmin", "-x", own_queue], check=True)
        queue.submit(job(2))
        qtbot.waitUntil(lambda: 2 in ended, timeout=30_000)
        queue.submit(job(3))
        qtbot.waitUntil(lambda: 3 in ended, timeout=30_000)
    finally:
        queue.shutdown()
    assert ended[2].kind in (OutcomeKind.REFUSED, OutcomeKind.NO_PRINTER)
    assert ended[3].kind is OutcomeKind.NO_PRINTER
