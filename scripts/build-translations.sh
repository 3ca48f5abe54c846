#!/usr/bin/env bash
# Compiles the Qt translation sources (resources/translations/*.ts) into .qm files with
# pyside6-lrelease, the tool that ships with PySide6. The .qm files are build output.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
shopt -s nullglob
for ts in resources/translations/*.ts; do
  "$VENV/bin/pyside6-lrelease" -silent "$ts" -qm "${ts%.ts}.qm"
done
