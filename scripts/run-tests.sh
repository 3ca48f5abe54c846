#!/usr/bin/env bash
# Runs lint, types, the import layers and the whole pytest suite headless (Xvfb if present).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
export QTWEBENGINE_DISABLE_SANDBOX=1
"$VENV/bin/ruff" check app tests
"$VENV/bin/ruff" format --check app tests
"$VENV/bin/mypy"
"$VENV/bin/lint-imports"
if command -v xvfb-run >/dev/null 2>&1; then
  exec xvfb-run -a -s "-screen 0 1400x900x24" "$VENV/bin/python" -m pytest "$@"
else
  export QT_QPA_PLATFORM=offscreen
  exec "$VENV/bin/python" -m pytest "$@"
fi
