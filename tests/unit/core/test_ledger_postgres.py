"""The warehouse ledger on a real PostgreSQL server (started by the tests): the same
ledger, the same migrations, and claims that hold across connections."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest

from app.core.ledger import Ledger
from app.core.ledger_records import (
    AlreadyPrinted,
    HistoryFilter,
    LedgerError,
    OrderState,
    PrintOutcome,
)
from app.core.ledger_runs import HEARTBEAT_S
from app.core.ledger_schema import SCHEMA_VERSION
from app.core.ledger_sync import sync_local_prints
from app.core.model import OrderRef
from app.core.print_outcome import OutcomeKind
from tests.fixtures.postgres import PgServer
from tests.unit.core.ledger_support import StepClock, ok_waybill


def fetched(ledger: Ledger, order: str, waybill: str) -> int:
    (row,) = ledger.record_queued([OrderRef(order, "SF")])
    ledger.record_fetch_started([row])
    ledger.record_fetch_result(row, ok_waybill(OrderRef(order, "SF"), waybill))
    return row


def test_a_new_database_is_migrated_and_records_a_whole_print(pg_url: str) -> None:
    with Ledger(pg_url, station="bench-7", session_id="s1") as ledger:
        assert ledger.shared and ledger.migrated_from == 0
        row = fetched(ledger, "O1", "SF1")
        assert ledger.stored_waybill(row) == ok_waybill(OrderRef("O1", "SF"), "SF1")
        print_id = ledger.begin_print(row, waybill_id="SF1", printer="Label", copies=1)
        ledger.finish_print(print_id, ok=True, message="job 7")
        (record,) = ledger.attempts(row)
        assert (record.outcome, record.station, record.packer_session) == (
            PrintOutcome.SPOOLED,
            "bench-7",
            "s1",
        )
        (history,) = ledger.search(HistoryFilter(order_id="O1"))
        assert (history.state, history.prints, history.last_station) == (
            OrderState.PRINTED,
            1,
            "bench-7",
        )
        assert ledger.was_printed("SF1")
        assert ledger.stations() == ["bench-7"]
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchone() == (SCHEMA_VERSION,)
    with Ledger(pg_url) as again:
        assert again.migrated_from == SCHEMA_VERSION


def test_two_stations_claim_a_waybill_once_and_history_shows_both(pg_url: str) -> None:
    with Ledger(pg_url, station="A") as a, Ledger(pg_url, station="B") as b:
        row_a = fetched(a, "O1", "SF1")
        row_b = fetched(b, "O1", "SF1")
        first = a.begin_print(row_a, waybill_id="SF1", printer="P", copies=1)
        with pytest.raises(AlreadyPrinted) as refused:
            b.begin_print(row_b, waybill_id="SF1", printer="P", copies=1)
        assert refused.value.last_print.station == "A"
        a.finish_print(first, ok=True)
        reprint = b.begin_print(row_b, waybill_id="SF1", printer="P", copies=1, reprint=True)
        b.finish_print(reprint, ok=True)
        assert [r.order_row_id for r in b.search(HistoryFilter(station="A"))] == [row_a]
        assert [r.order_row_id for r in a.search(HistoryFilter(station="B"))] == [row_b]
        assert sorted(a.stations()) == ["A", "B"]


def test_history_counts_and_pages_on_the_server(pg_url: str) -> None:
    with Ledger(pg_url, station="A") as ledger:
        rows = ledger.record_queued([OrderRef(f"PG{n:04d}", "SF") for n in range(1_050)])
        newest = fetched(ledger, "PGX", "SF_100%")
        assert ledger.count() == 1_051
        assert ledger.count(HistoryFilter(order_id="PG00")) == 100
        # LIKE wildcards are literal here too
        assert ledger.count(HistoryFilter(waybill_id="_100%")) == 1
        assert ledger.count(HistoryFilter(waybill_id="SF_1")) == 1
        assert ledger.count(HistoryFilter(waybill_id="SFx1")) == 0
        third = ledger.search(HistoryFilter(order_id="PG"), limit=500, offset=1_000)
        assert [r.order_row_id for r in third] == [newest, *reversed(rows)][1_000:]


def test_history_search_ignores_case_as_on_sqlite(pg_url: str, tmp_path: Path) -> None:
    """A packer typing `sf12` finds `SF12` on the warehouse ledger as on the station's own."""
    for url in (pg_url, str(tmp_path / "ledger.sqlite3")):
        with Ledger(url, station="A") as ledger:
            fetched(ledger, "Ab-7", "SF12")
            found = ledger.search(HistoryFilter(order_id="aB-"))
            assert [r.order_id for r in found] == ["Ab-7"], url
            assert ledger.count(HistoryFilter(waybill_id="sf1")) == 1, url
            assert ledger.count(HistoryFilter(waybill_id="sf2")) == 0, url


def test_a_claim_and_its_end_are_one_statement_each(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL a claim and a print's end each reach the server as one statement (no
    BEGIN, no look-up first, no COMMIT): every statement the connection sends is counted on
    its way to the real server."""
    with Ledger(pg_url, station="A") as ledger:
        rows = [fetched(ledger, f"O{n}", f"SF{n}") for n in range(3)]
        db = ledger._db
        assert db is not None
        sent: list[str] = []
        for name in ("execute", "prepared_ids"):
            real = getattr(db, name)

            def counted(sql: str, params: object = (), real: Any = real) -> Any:
                sent.append(sql)
                return real(sql, params)

            monkeypatch.setattr(db, name, counted)
        for n, row in enumerate(rows):
            print_id = ledger.begin_print(row, waybill_id=f"SF{n}", printer="P", copies=1)
            ledger.finish_print(print_id, ok=n != 1, message=f"job {n}")
        assert len(sent) == 6, sent
        monkeypatch.undo()
        states = {r.order_id: (r.state, r.prints) for r in ledger.search()}
        assert states == {
            "O0": (OrderState.PRINTED, 1),
            "O1": (OrderState.FETCHED, 0),
            "O2": (OrderState.PRINTED, 1),
        }
        assert [a.outcome for a in ledger.attempts(rows[1])] == [PrintOutcome.FAILED]
        assert [a.outcome for a in ledger.attempts(rows[2])] == [PrintOutcome.SPOOLED]


def test_a_claim_waits_for_its_wal_flush_and_a_print_end_does_not() -> None:
    """With fsync on, as a warehouse runs its server: every claim is on disk before it
    returns (one WAL flush each), the twenty print ends are not waited for (at most a few
    flushes of the WAL writer's) — counted by the server's own WAL statistics — and every
    end is recorded all the same."""
    server = PgServer.start_new(fsync=True)
    try:
        url = server.new_database()
        with Ledger(url, station="A") as ledger:
            rows = [fetched(ledger, f"O{n}", f"SF{n}") for n in range(20)]
            db = ledger._db
            assert db is not None

            def flushes() -> int:
                db.execute("SELECT pg_stat_force_next_flush()").fetchall()  # this backend's
                return int(db.execute("SELECT wal_sync FROM pg_stat_wal").fetchone()[0])

            before = flushes()
            claims = [
                ledger.begin_print(row, waybill_id=f"SF{n}", printer="P", copies=1)
                for n, row in enumerate(rows)
            ]
            claimed = flushes()
            for print_id in claims:
                ledger.finish_print(print_id, ok=True)
            ended = flushes()
        assert claimed - before >= len(rows)
        assert ended - claimed <= len(rows) // 2
        with Ledger(url, station="B") as again:
            outcomes = [a.outcome for row in rows for a in again.attempts(row)]
        assert outcomes == [PrintOutcome.SPOOLED] * len(rows)
    finally:
        server.remove()


def test_a_claim_on_a_missing_order_or_a_taken_waybill_writes_nothing(pg_url: str) -> None:
    with Ledger(pg_url, station="A") as a, Ledger(pg_url, station="B") as b:
        with pytest.raises(LedgerError, match="no ledger order"):
            a.begin_print(9999, waybill_id="SF9", printer="P", copies=1)
        row_a, row_b = fetched(a, "O1", "SF1"), fetched(b, "O2", "SF1")
        (before,) = b.search(HistoryFilter(order_id="O2"))
        a.begin_print(row_a, waybill_id="SF1", printer="P", copies=1)
        with pytest.raises(AlreadyPrinted):
            b.begin_print(row_b, waybill_id="SF1", printer="P", copies=1)
        assert b.attempts(row_b) == []
        (after,) = b.search(HistoryFilter(order_id="O2"))
        assert after == before


def test_a_claim_and_its_end_keep_every_character_of_their_text(pg_url: str) -> None:
    """The hot path sends its parameters as text itself: quotes, backslashes, braces and
    Chinese reach the server as they were; a NUL, which PostgreSQL text cannot hold, is
    refused before anything is written rather than cut short."""
    odd = "SF\"{1},\\N'顺丰"
    with Ledger(pg_url, station='站 "7"', session_id="s\\1") as ledger:
        row = fetched(ledger, "O1", odd)
        print_id = ledger.begin_print(row, waybill_id=odd, printer="标签 {x}", copies=2)
        ledger.settle_print(
            print_id, PrintOutcome.SENT, message='作业 "3" \\ {a,b}', cups_job=2**40
        )
        (record,) = ledger.attempts(row)
        assert (record.waybill_id, record.printer, record.copies) == (odd, "标签 {x}", 2)
        assert (record.station, record.packer_session) == ('站 "7"', "s\\1")
        assert (record.outcome, record.message) == (PrintOutcome.SENT, '作业 "3" \\ {a,b}')
        assert record.cups_job == 2**40
        with pytest.raises(AlreadyPrinted):
            ledger.begin_print(row, waybill_id=odd, printer="P", copies=1)
        other = fetched(ledger, "O2", "SF2")
        with pytest.raises(LedgerError, match="NUL"):
            ledger.begin_print(other, waybill_id="SF\x002", printer="P", copies=1)
        assert ledger.attempts(other) == []


def test_claims_go_on_after_the_server_forgot_the_prepared_statements(pg_url: str) -> None:
    """psycopg sends DEALLOCATE ALL after a rollback once it prepared statements of its
    own, and a pooler may DISCARD ALL: the next claim and print end prepare theirs again."""
    with Ledger(pg_url, station="A") as ledger:
        rows = [fetched(ledger, f"O{n}", f"SF{n}") for n in range(3)]
        for n, row in enumerate(rows):
            print_id = ledger.begin_print(row, waybill_id=f"SF{n}", printer="P", copies=1)
            assert ledger._db is not None
            ledger._db.execute("DEALLOCATE ALL" if n % 2 else "DISCARD ALL")
            ledger.finish_print(print_id, ok=True)
            ledger._db.execute("DEALLOCATE ALL")
        assert all(ledger.was_printed(f"SF{n}") for n in range(3))


def test_without_a_heartbeat_thread_print_starts_say_alive_once_per_interval(
    pg_url: str, tmp_path: Path
) -> None:
    """A run without a heartbeat thread is kept alive by its print starts, but a claim
    writes the run's heartbeat only when one is due (every `HEARTBEAT_S`), on the
    warehouse ledger as on the station's own."""
    for where in (pg_url, str(tmp_path / "ledger.sqlite3")):
        clock = StepClock()
        with Ledger(where, station="A", clock=clock) as ledger:
            rows = [fetched(ledger, f"O{n}", f"SF{n}") for n in range(3)]

            def beat_at() -> float:
                assert ledger._db is not None
                query = "SELECT heartbeat_at FROM runs WHERE id = ?"
                return float(ledger._db.execute(query, (ledger.run_id,)).fetchone()[0])

            registered = beat_at()
            ledger.begin_print(rows[0], waybill_id="SF0", printer="P", copies=1)
            assert beat_at() == registered, where  # seconds after registering: not due
            clock.now += HEARTBEAT_S
            ledger.begin_print(rows[1], waybill_id="SF1", printer="P", copies=1)
            (claim,) = ledger.attempts(rows[1])
            assert beat_at() == claim.started_at > registered, where
            ledger.begin_print(rows[2], waybill_id="SF2", printer="P", copies=1)
            assert beat_at() == claim.started_at, where


def test_a_dead_stations_pending_print_becomes_unknown_for_it_only(pg_url: str) -> None:
    clock = StepClock()
    dead = Ledger(pg_url, station="A", clock=clock)
    row = fetched(dead, "O1", "SF1")
    dead.begin_print(row, waybill_id="SF1", printer="P", copies=1)
    with Ledger(pg_url, station="B", clock=clock) as other:
        assert other.recover().empty  # A is alive (recent heartbeat)
        clock.now += 1000  # A falls silent for longer than allowed
        recovery = other.recover()
        assert recovery.unknown_prints == ()  # settled, but A's to answer, not B's
        with pytest.raises(AlreadyPrinted):
            other.begin_print(row, waybill_id="SF1", printer="P", copies=1)
    with Ledger(pg_url, station="A", clock=clock) as back:
        (unknown,) = back.recover().unknown_prints
        assert unknown.outcome is PrintOutcome.UNKNOWN
    dead.close()


def test_eight_connections_racing_for_forty_waybills_claim_each_once(pg_url: str) -> None:
    waybills = [f"SF{n:03d}" for n in range(40)]
    with Ledger(pg_url, station="setup") as setup:
        rows = {w: fetched(setup, f"O{w}", w) for w in waybills}
    won: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def station(index: int) -> None:
        try:
            with Ledger(pg_url, station=f"S{index}") as ledger:
                start.wait()
                for waybill in waybills[index % 5 :] + waybills[: index % 5]:
                    try:
                        ledger.begin_print(rows[waybill], waybill_id=waybill, printer="P", copies=1)
                    except AlreadyPrinted:
                        continue
                    with lock:
                        won.append(waybill)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=station, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(won) == waybills  # every waybill claimed, none twice


def test_a_stopped_server_is_reported_and_the_ledger_reconnects() -> None:
    server = PgServer.start_new()
    try:
        url = server.new_database()
        with Ledger(url, station="A") as ledger:
            row = fetched(ledger, "O1", "SF1")
            server.stop()
            with pytest.raises(LedgerError, match="cannot reach"):
                ledger.begin_print(row, waybill_id="SF1", printer="P", copies=1)
            server.start()
            print_id = ledger.begin_print(row, waybill_id="SF1", printer="P", copies=1)
            ledger.finish_print(print_id, ok=True)
            assert ledger.was_printed("SF1")
        with pytest.raises(LedgerError, match="cannot"):
            Ledger(server.url("no_such_database"))
    finally:
        server.remove()


def test_closing_after_the_server_restarted_under_it_logs_and_does_not_raise(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = PgServer.start_new()
    try:
        url = server.new_database()
        ledger = Ledger(url, station="A")
        row = fetched(ledger, "O1", "SF1")
        server.stop()
        server.start()  # the ledger's connection is cut; nothing has used it since
        ledger.close()  # the program's way out: no traceback
        assert "could not record the end of run" in caplog.text
        with pytest.raises(LedgerError):
            ledger.was_printed("SF1")  # closed is closed
        with Ledger(url, station="B") as again:  # what the run wrote is all there
            assert again.stored_waybill(row) is not None
    finally:
        server.remove()


def test_prints_made_on_the_local_guard_are_written_to_the_warehouse_once(
    pg_url: str, tmp_path: Path
) -> None:
    local = tmp_path / "ledger.sqlite3"
    with Ledger(local, station="A", session_id="s-local") as own:  # the warehouse was away
        for order, waybill in (("O1", "SF1"), ("O2", "SF2")):
            row = fetched(own, order, waybill)
            own.finish_print(
                own.begin_print(row, waybill_id=waybill, printer="P", copies=1), ok=True
            )
    with Ledger(pg_url, station="B") as other:  # meanwhile B printed SF2 on the warehouse
        row = fetched(other, "O2", "SF2")
        other.finish_print(other.begin_print(row, waybill_id="SF2", printer="P", copies=1), ok=True)
    with Ledger(pg_url, station="A") as shared:
        report = sync_local_prints(local, shared)
        assert (report.copied, report.elsewhere) == (2, ["SF2"])
        assert sync_local_prints(local, shared).copied == 0  # once only
        sf1 = [r for r in shared.search(HistoryFilter(order_id="O1"))]
        assert [(r.state, r.last_station, r.prints) for r in sf1] == [(OrderState.PRINTED, "A", 1)]
        assert shared.stored_waybill(sf1[0].order_row_id) == ok_waybill(OrderRef("O1", "SF"), "SF1")
        sf2 = [
            p
            for r in shared.search(HistoryFilter(order_id="O2"))
            for p in shared.attempts(r.order_row_id)
        ]
        assert sorted((p.station, p.is_reprint) for p in sf2) == [("A", True), ("B", False)]
        assert [p.packer_session for p in sf2 if p.station == "A"] == ["s-local"]


def test_local_prints_land_on_the_warehouse_rows_of_their_orders(
    pg_url: str, tmp_path: Path
) -> None:
    """A window fetched three orders on the warehouse ledger, which then went away: the
    labels were printed (one followed to paper) and one written to the PDF folder on the
    station's own guard. After the sync every order is listed once, at any station, with
    its print on it — none on a second row."""
    local = tmp_path / "ledger.sqlite3"
    orders = {"O1": "SF1", "O2": "SF2", "O3": "SF3"}
    with Ledger(pg_url, station="A", session_id="s-A") as shared:
        refs = [OrderRef(order, "SF") for order in orders]
        rows = dict(zip(orders, shared.record_queued(refs, session_id="s-A"), strict=True))
        shared.record_fetch_results(
            [(rows[o], ok_waybill(OrderRef(o, "SF"), w)) for o, w in orders.items()]
        )
    with Ledger(local, station="A", session_id="s-A") as own:  # as the window's local guard
        for (order, waybill), target in zip(
            orders.items(), ("printer", "printer", "pdf"), strict=True
        ):
            (row,) = own.record_queued([OrderRef(order, "SF", waybill)], session_id="s-A")
            own.record_fetch_results([(row, ok_waybill(OrderRef(order, "SF"), waybill))])
            print_id = own.begin_print(
                row,
                waybill_id=waybill,
                printer="/labels" if target == "pdf" else "P",
                copies=1,
                target=target,
            )
            if order == "O2":  # followed to paper
                own.settle_print(print_id, PrintOutcome.PRINTED, kind=OutcomeKind.PRINTED)
            else:
                own.finish_print(
                    print_id,
                    ok=True,
                    pdf_path=f"/labels/{waybill}.pdf" if target == "pdf" else None,
                )
            if target == "pdf":
                own.mark_done(row)  # a PDF original written closes its order
    with Ledger(pg_url, station="A", session_id="s-A2") as shared:
        assert sync_local_prints(local, shared).copied == 3
        assert sync_local_prints(local, shared).copied == 0
    with Ledger(pg_url, station="B") as other:  # History at another station
        history = other.search(limit=100)
        assert sorted(h.order_id for h in history) == ["O1", "O2", "O3"]
        assert other.count() == 3
        by_order = {h.order_id: h for h in history}
        assert {o: by_order[o].order_row_id for o in orders} == rows  # the window's rows
        assert [(h.state, h.attempts, h.last_station) for h in history] == [
            (OrderState.DONE if h.order_id == "O3" else OrderState.PRINTED, 1, "A") for h in history
        ]
        assert [by_order[o].prints for o in orders] == [1, 1, 0]  # a PDF is not a label out
        (pdf,) = other.attempts(rows["O3"])
        assert (pdf.target, pdf.pdf_path, pdf.outcome) == (
            "pdf",
            "/labels/SF3.pdf",
            PrintOutcome.SPOOLED,
        )
        (paper,) = other.attempts(rows["O2"])
        assert (paper.outcome, paper.kind) == (PrintOutcome.PRINTED, OutcomeKind.PRINTED)
        assert other.was_printed("SF1") and other.was_printed("SF2")
        with pytest.raises(AlreadyPrinted):  # the claim holds on the warehouse now
            other.begin_print(rows["O1"], waybill_id="SF1", printer="P", copies=1)
        last = other.last_print("SF3")  # the window's PDF folder check sees the file
        assert last is not None and (last.target, last.printer) == ("pdf", "/labels")


def test_a_station_role_with_the_documented_rights_is_enough(pg_server: PgServer) -> None:
    """docs/WAREHOUSE.md: an owner migrates; stations get rows, not the schema."""
    name = f"wh_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_server.url(), autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {name}_owner LOGIN")
        admin.execute(f"CREATE ROLE {name}_station LOGIN")
        admin.execute(f"CREATE DATABASE {name} OWNER {name}_owner")
    with psycopg.connect(pg_server.url(name), autocommit=True) as admin:
        admin.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        admin.execute(f"ALTER SCHEMA public OWNER TO {name}_owner")
    with Ledger(pg_server.url(name, f"{name}_owner")):  # the first start creates the tables
        pass
    with psycopg.connect(pg_server.url(name, f"{name}_owner"), autocommit=True) as owner:
        for statement in GRANTS:
            owner.execute(statement.format(station=f"{name}_station"))
    with Ledger(pg_server.url(name, f"{name}_station"), station="bench-1") as ledger:
        row = fetched(ledger, "O1", "SF1")
        ledger.finish_print(
            ledger.begin_print(row, waybill_id="SF1", printer="P", copies=1), ok=True
        )
        assert ledger.recover().empty and ledger.prune(30) == 0
        assert ledger.was_printed("SF1")
    station_url = pg_server.url(name, f"{name}_station")
    with (
        psycopg.connect(station_url, autocommit=True) as station,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        station.execute("DROP TABLE prints")


GRANTS = (
    "GRANT USAGE ON SCHEMA public TO {station}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {station}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {station}",
)
