"""Reading `ipptool -t` reports: several jobs in one Get-Jobs answer, sets of reasons,
an error status; and which printer reasons count as "not ready"."""

from __future__ import annotations

from app.printing.cups_status import PrinterState, PrinterStatus, job_number
from app.printing.ipptool import parse_report

GET_JOBS = """\
"/dev/stdin":
    /dev/stdin                                                           [PASS]
        job-id (integer) = 121
        job-state (enum) = pending
        job-state-reasons (keyword) = none
        job-id (integer) = 122
        job-state (enum) = processing-stopped
        job-state-reasons (1setOf keyword) = printer-stopped,job-printing
        job-printer-state-message (textWithoutLanguage) = Out of labels, roll 2
"""

NOT_FOUND = """\
"/dev/stdin":
    /dev/stdin                                                           [FAIL]
        RECEIVED: 117 bytes in response
        status-code = client-error-not-found (Job #99999 does not exist.)
"""


def test_each_job_of_a_get_jobs_report_is_its_own_object() -> None:
    status, objects = parse_report(GET_JOBS)
    assert status is None
    assert [o["job-id"] for o in objects] == ["121", "122"]
    assert objects[1]["job-state-reasons"] == "printer-stopped,job-printing"
    assert objects[1]["job-printer-state-message"] == "Out of labels, roll 2"
    assert "job-printer-state-message" not in objects[0]


def test_a_failed_request_gives_its_status_code() -> None:
    assert parse_report(NOT_FOUND) == ("client-error-not-found", [])


def test_reasons_that_stop_labels_make_a_printer_not_ready_and_reports_do_not() -> None:
    idle = PrinterStatus("P", PrinterState.IDLE, ("cups-waiting-for-job-completed",))
    assert idle.ready
    empty = PrinterStatus("P", PrinterState.IDLE, ("media-empty-error", "offline-report"))
    assert empty.problems == ("media-empty", "offline")
    assert not PrinterStatus("P", PrinterState.STOPPED).ready
    assert not PrinterStatus("P", PrinterState.IDLE, accepting=False).ready


def test_the_job_number_comes_from_lps_request_id() -> None:
    assert job_number("Label-PDF-12") == 12
    assert job_number("nonsense") is None
