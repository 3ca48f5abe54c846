"""Tests for app.core.settings: the declaration, validation and the JSON store."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.settings import Group, Settings, TokenMode, setting_field, setting_fields
from app.core.settings_check import validate
from app.core.settings_store import SettingsStore

GOOD = Settings(appid="wx1234567890abcdef")


def fields_with_errors(settings: Settings) -> set[str]:
    return {error.field for error in validate(settings)}


def test_defaults_are_as_documented() -> None:
    s = Settings()
    assert s.appid == ""
    assert s.token_mode is TokenMode.STABLE
    assert s.token_command == ""
    assert s.api_base == "https://api.weixin.qq.com"
    assert s.default_carrier == "SF"
    assert (s.connect_timeout, s.read_timeout, s.concurrency) == (3.05, 15.0, 4)
    assert (s.printer_name, s.label_size, s.orientation) == ("", "auto", "portrait")
    assert (s.custom_width_mm, s.custom_height_mm) == (100, 150)
    assert (s.dpi, s.copies, s.offset_x_mm, s.offset_y_mm) == (0, 1, 0, 0)
    assert (s.language, s.sound_enabled, s.big_font, s.scan_to_print) == ("", True, False, False)
    assert s.retention_days == 180
    assert s.stuck_after_s == 60.0


def test_every_field_is_declared_with_labels_in_both_languages() -> None:
    items = setting_fields()
    assert len(items) == 28
    for item in items:
        info = item.info
        assert info.label.en and info.label.zh, item.name
        assert info.help.en and info.help.zh, item.name
        assert isinstance(info.group, Group)
        assert item.type in (str, int, float, bool, TokenMode), item.name
    assert {item.info.group for item in items} == set(Group)


def test_no_setting_holds_a_secret() -> None:
    assert not [item.name for item in setting_fields() if "secret" in item.name]


def test_declared_choices_and_ranges() -> None:
    assert setting_field("token_mode").info.choice_values == ("stable", "classic", "third_party")
    assert setting_field("label_size").info.choice_values == (
        "auto",
        "100x150",
        "100x180",
        "76x130",
        "100x100",
        "A4",
        "A5",
        "custom",
    )
    conc = setting_field("concurrency").info
    assert (conc.minimum, conc.maximum) == (1, 16)
    copies = setting_field("copies").info
    assert (copies.minimum, copies.maximum) == (1, 10)
    with pytest.raises(KeyError):
        setting_field("nope")


def test_label_hosts_default_to_wechat_and_take_loopback_http() -> None:
    assert Settings().label_hosts.startswith("https://")
    assert Settings().label_scripts is True and Settings().multi_page_labels is False
    assert validate(GOOD.replace(label_hosts="https://*.example.com http://127.0.0.1:8080")) == []


def test_replace_returns_a_changed_copy() -> None:
    changed = GOOD.replace(copies=3, big_font=True)
    assert (changed.copies, changed.big_font) == (3, True)
    assert (GOOD.copies, GOOD.big_font) == (1, False)
    with pytest.raises(TypeError):
        GOOD.replace(colour="red")


def test_good_settings_validate_cleanly() -> None:
    assert validate(GOOD) == []


def test_appid_is_required_unless_third_party() -> None:
    assert fields_with_errors(Settings()) == {"appid"}
    third = Settings(token_mode=TokenMode.THIRD_PARTY, token_command="get-token --station 3")
    assert validate(third) == []


def test_third_party_needs_a_command() -> None:
    errors = validate(GOOD.replace(token_mode=TokenMode.THIRD_PARTY))
    assert [e.field for e in errors] == ["token_command"]
    assert "command" in errors[0].message.en
    assert errors[0].message.zh


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("concurrency", 0),
        ("concurrency", 17),
        ("copies", 11),
        ("label_size", "200x300"),
        ("orientation", "sideways"),
        ("dpi", 50),
        ("dpi", -1),
        ("retention_days", 0),
        ("connect_timeout", 0.0),
        ("appid", "wx 123"),
        ("default_carrier", ""),
        ("api_base", "ftp://api.weixin.qq.com"),
        ("api_base", "http://api.weixin.qq.com"),
        ("api_base", "api.weixin.qq.com"),
        ("language", "fr"),
        ("label_hosts", "http://cdn.example"),
        ("label_hosts", "https://cdn.example/path"),
        ("copies", True),
        ("read_timeout", "15"),
    ],
)
def test_bad_values_are_reported_on_their_field(name: str, value: object) -> None:
    errors = validate(GOOD.replace(**{name: value}))
    assert [e.field for e in errors] == [name]
    assert errors[0].message.en and errors[0].message.zh


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080", "http://localhost:1234/", "http://[::1]:9", "https://x.cn"]
)
def test_plain_http_is_fine_for_loopback(url: str) -> None:
    assert validate(GOOD.replace(api_base=url)) == []


@given(st.sampled_from([f for f in setting_fields() if f.info.minimum is not None]), st.data())
def test_numeric_ranges_are_enforced(item, data) -> None:  # type: ignore[no-untyped-def]
    low, high = item.info.minimum, item.info.maximum
    if item.type is int:
        inside = data.draw(st.integers(int(low), int(high)))
        outside = data.draw(st.integers(int(high) + 1, int(high) + 1000) | st.just(int(low) - 1))
    else:
        inside = data.draw(st.floats(low, high, allow_nan=False))
        outside = data.draw(st.floats(high, high * 10, exclude_min=True, allow_nan=False))
    if item.name == "dpi" and 0 < inside < 72:
        inside = 0
    assert validate(GOOD.replace(**{item.name: inside})) == []
    assert fields_with_errors(GOOD.replace(**{item.name: outside})) == {item.name}


# --- the store ------------------------------------------------------------------


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "none" / "settings.json")
    assert store.load() == Settings()
    assert store.load_with_problems() == (Settings(), [])


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "cfg" / "settings.json")
    saved = GOOD.replace(
        token_mode=TokenMode.CLASSIC,
        printer_name="标签打印机",
        label_size="custom",
        custom_width_mm=76.5,
        copies=2,
        scan_to_print=True,
        offset_x_mm=-1.5,
    )
    store.save(saved)
    loaded, problems = store.load_with_problems()
    assert problems == []
    assert loaded == saved
    assert loaded.token_mode is TokenMode.CLASSIC
    raw = json.loads(store.path.read_text(encoding="utf-8"))
    assert raw["token_mode"] == "classic"
    assert raw["printer_name"] == "标签打印机"


def test_save_replaces_atomically_and_leaves_no_temp_files(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    store.save(GOOD)
    store.save(GOOD.replace(copies=5))
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]
    assert store.load().copies == 5


def test_failed_save_keeps_the_old_file_and_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    target.mkdir()  # os.replace onto a directory fails
    (target / "keep").write_text("x")
    with pytest.raises(OSError):
        SettingsStore(target).save(GOOD)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]
    assert (target / "keep").read_text() == "x"


def test_unknown_keys_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"appid": "wxabc", "colour": "red", "appsecret": "x"}))
    loaded, problems = SettingsStore(path).load_with_problems()
    assert loaded == Settings(appid="wxabc")
    assert problems == []


def test_bad_values_fall_back_to_defaults_and_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "appid": "wxabc",
                "concurrency": 99,
                "token_mode": "magic",
                "copies": "2",
                "big_font": 1,
                "read_timeout": 20,
                "label_size": "A4",
            }
        )
    )
    loaded, problems = SettingsStore(path).load_with_problems()
    assert loaded == Settings(appid="wxabc", read_timeout=20.0, label_size="A4")
    assert isinstance(loaded.read_timeout, float)
    named = sorted(p.split(":")[0] for p in problems)
    assert named == ["big_font", "concurrency", "copies", "token_mode"]
    assert SettingsStore(path).load() == loaded


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", ""])
def test_unreadable_file_gives_defaults_with_a_problem(tmp_path: Path, content: str) -> None:
    path = tmp_path / "settings.json"
    path.write_text(content)
    loaded, problems = SettingsStore(path).load_with_problems()
    assert loaded == Settings()
    assert len(problems) == 1
    assert "using defaults" in problems[0]


def test_floats_survive_exactly(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "s.json")
    store.save(GOOD.replace(connect_timeout=3.05))
    assert math.isclose(store.load().connect_timeout, 3.05)
