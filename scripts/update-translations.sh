#!/usr/bin/env bash
# Brings the translation sources (resources/translations/*.ts) up to date with the tr()
# strings in app/: new strings are added as unfinished, strings no longer in the code are
# dropped. Fill in the new translations afterwards (Qt Linguist: pyside6-linguist, or any
# text editor), then build the .qm files with scripts/build-translations.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
for ts in resources/translations/waybill-printer_*.ts; do
  [ -e "$ts" ] || ts=resources/translations/waybill-printer_zh_CN.ts
  "$VENV/bin/pyside6-lupdate" -silent -extensions py -locations none -no-obsolete \
    app -ts "$ts"
done
