"""The Chinese translation is complete and up to date with the tr() strings of app/.

If this fails after adding or changing a string: run scripts/update-translations.sh and
translate the new entries in resources/translations/waybill-printer_zh_CN.ts.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.unit.ui.i18n_support import ROOT, ZH_TS, Message, extract_sources, read_ts

PLACEHOLDER_RE = re.compile(r"\{\d+\}|%n|%v|%m|%\d")


def describe(message: Message) -> str:
    return f"{message.context}: {message.source!r}"


def test_every_message_has_a_finished_chinese_translation() -> None:
    messages = read_ts(ZH_TS)
    assert len(messages) > 100
    unfinished = [describe(m) for m in messages if m.translation_type is not None]
    empty = [describe(m) for m in messages if not all(f.strip() for f in m.forms)]
    assert unfinished == [], "unfinished, vanished or obsolete translations"
    assert empty == [], "empty translations"


def test_numerus_messages_have_the_one_chinese_form() -> None:
    for message in read_ts(ZH_TS):
        if message.numerus:
            assert len(message.forms) == 1, describe(message)
            assert "%n" in message.forms[0], describe(message)


def test_translations_keep_the_placeholders() -> None:
    wrong = [
        describe(m)
        for m in read_ts(ZH_TS)
        for form in m.forms
        if sorted(PLACEHOLDER_RE.findall(form)) != sorted(PLACEHOLDER_RE.findall(m.source))
    ]
    assert wrong == []


def test_the_translation_source_is_up_to_date_with_the_code(tmp_path: Path) -> None:
    in_code = extract_sources(tmp_path)
    in_file = {(m.context, m.source) for m in read_ts(ZH_TS)}
    assert sorted(in_code - in_file) == [], "run scripts/update-translations.sh, translate"
    assert sorted(in_file - in_code) == [], "stale entries: run scripts/update-translations.sh"


def _contexts_in_code() -> set[str]:
    """Class names defined in app/ and literal contexts of translate("Context", ...)."""
    names: set[str] = set()
    for path in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names.add(node.name)
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "translate"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                names.add(node.args[0].value)
    return names


def test_every_context_is_one_the_program_looks_up() -> None:
    # `obj.tr("…")` on another object is filed by lupdate under the variable's name
    # ("window", "dialog"), but looked up under the object's class at run time, so it
    # would never be translated: use self.tr() or QCoreApplication.translate("Class", …).
    contexts = {m.context for m in read_ts(ZH_TS)}
    assert sorted(contexts - _contexts_in_code()) == []
