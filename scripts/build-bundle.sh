#!/usr/bin/env bash
# Builds the packing-station bundle (PyInstaller, one folder) into dist/waybill-printer/.
# Installs PyInstaller (the `build` extra) into the project venv, compiles the translations,
# then runs the spec. Set WAYBILL_CONSOLE=1 for a Windows build that keeps its console.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
"$VENV/bin/python" -m pip install -q -e '.[build]'
if [ -f scripts/build-translations.sh ]; then
  VENV=$VENV bash scripts/build-translations.sh
fi
started=$(date +%s)
"$VENV/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN build_spec/waybill-printer.spec
echo "built dist/waybill-printer in $(( $(date +%s) - started )) s ($(du -sh dist/waybill-printer | cut -f1))"
