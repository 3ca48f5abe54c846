"""Tests for app.ui.bulk_print: the question before a big run, progress and time left
measured on a clock the test moves."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.ui.bulk_print import BULK_THRESHOLD, SECONDS_PER_LABEL, PrintProgress


class HandClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def make(qtbot: QtBot, clock: HandClock) -> PrintProgress:
    progress = PrintProgress(clock=clock)
    qtbot.addWidget(progress)
    return progress


def test_a_small_run_is_not_asked_about(qtbot: QtBot) -> None:
    asked: list[str] = []
    progress = make(qtbot, HandClock())
    assert progress.confirm(lambda t, q: asked.append(q) or False, BULK_THRESHOLD)
    assert asked == []


def test_a_big_run_names_the_count_and_the_time(qtbot: QtBot) -> None:
    asked: list[str] = []
    progress = make(qtbot, HandClock())

    def ask(title: str, question: str) -> bool:
        asked.append(question)
        return False

    assert not progress.confirm(ask, 4975)
    minutes = round(4975 * SECONDS_PER_LABEL / 60)
    assert asked == [f"Print 4975 label(s)? At the printer this takes about {minutes} min."]


def test_progress_and_time_left_follow_the_measured_pace(qtbot: QtBot) -> None:
    clock = HandClock()
    progress = make(qtbot, clock)
    ended: list[bool] = []
    progress.runEnded.connect(lambda: ended.append(True))
    progress.pending_changed(1000)
    assert progress.isVisibleTo(None) or not progress.isHidden()
    assert (progress.bar.value(), progress.bar.maximum()) == (0, 1000)
    clock.now = 50.0
    progress.pending_changed(900)  # 100 labels in 50 s: 0.5 s a label
    assert progress.bar.value() == 100
    assert progress.left.text() == "about 8 min left"  # 900 x 0.5 s = 7.5 min
    progress.pending_changed(950)  # more labels sent while running, drawn a moment later
    qtbot.waitUntil(lambda: progress.bar.maximum() == 1050, timeout=2_000)
    assert progress.bar.value() == 100
    clock.now = 60.0
    progress.pending_changed(0)
    assert progress.isHidden() and ended == [True]
    assert progress.confirm(lambda t, q: "1 min" in q or "about" in q, 51)


def test_the_bar_is_redrawn_at_most_every_100_ms_and_ends_on_the_latest(qtbot: QtBot) -> None:
    clock = HandClock()
    progress = make(qtbot, clock)
    progress.pending_changed(1000)
    values: list[int] = []
    progress.bar.valueChanged.connect(values.append)
    for pending in range(999, 899, -1):  # 100 labels done within one instant
        progress.pending_changed(pending)
    assert values == []  # not one redraw per label
    assert progress.done == 100  # but counted
    qtbot.waitUntil(lambda: progress.bar.value() == 100, timeout=2_000)
    assert values == [100]  # one redraw, with the latest count
    clock.now = 0.5
    progress.pending_changed(899)  # a tenth of a second later: drawn at once
    assert values == [100, 101]
