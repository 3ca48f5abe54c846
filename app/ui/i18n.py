"""The user-interface language: which one to use and loading its Qt translators.

`ui_language(configured)` turns the "Language" setting ("" follows the system locale,
"en", "zh_CN") into the language the window speaks. `install_translators(app, language)`
loads the program's own translation (``resources/translations/waybill-printer_<lang>.qm``)
and Qt's (``qtbase_<lang>.qm`` from Qt's translations folder, so the print, file and
message-box dialogs speak it too). English needs no translator: it is the source text.
The `.qm` files are built from the `.ts` sources by ``scripts/build-translations.sh``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

import app

log = logging.getLogger(__name__)

CATALOGUE = "waybill-printer"
SOURCE_LANGUAGE = "en"
#: The languages the program ships (besides the English source text).
TRANSLATED = ("zh_CN",)


def resources_dir() -> Path:
    """The program's ``resources`` folder (from the source tree and the bundle alike)."""
    return Path(app.__file__).resolve().parent.parent / "resources"


def translations_dir() -> Path:
    return resources_dir() / "translations"


def ui_language(configured: str, system: QLocale | None = None) -> str:
    """The window's language: `configured` if set, else the system locale's, as one of
    "en" or a `TRANSLATED` code (Chinese of any region is shown in Simplified Chinese)."""
    name = configured.strip() or (system if system is not None else QLocale.system()).name()
    if name.startswith("zh"):
        return "zh_CN"
    return SOURCE_LANGUAGE


def catalogue_file(language: str, folder: Path | None = None) -> Path:
    """The compiled translation of the program for `language`."""
    return (folder or translations_dir()) / f"{CATALOGUE}_{language}.qm"


def install_translators(
    application: QCoreApplication, language: str, *, folder: Path | None = None
) -> list[QTranslator]:
    """Load and install the translators for `language`; returns those installed.

    The translators are children of `application`, so they live as long as it does.
    A missing file is logged, not fatal: the window then shows the English text.
    """
    if language == SOURCE_LANGUAGE:
        return []
    installed: list[QTranslator] = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name, where in ((f"qtbase_{language}", qt_dir), (f"{CATALOGUE}_{language}", None)):
        directory = str(where if where is not None else (folder or translations_dir()))
        translator = QTranslator(application)
        if translator.load(name, directory):
            application.installTranslator(translator)
            installed.append(translator)
        else:
            log.warning("no translation %s in %s", name, directory)
            translator.deleteLater()
    return installed
