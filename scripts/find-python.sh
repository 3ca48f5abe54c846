#!/usr/bin/env bash
# Prints a Python ≥ 3.12 to build the venv with. PySide6 6.12 on Python 3.11 leaks
# references to None/True on every processEvents()/emit() and the interpreter aborts
# after a few thousand; from 3.12 on those objects are immortal and the bug is harmless.
set -u
ok() { "$1" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }
for c in ${PYTHON:-} python3 python3.13 python3.12; do
  if command -v "$c" >/dev/null 2>&1 && ok "$c"; then command -v "$c"; exit 0; fi
done
if command -v pyenv >/dev/null 2>&1; then
  for c in "$(pyenv root)"/versions/3.1[2-9]*/bin/python3; do
    if [ -x "$c" ] && ok "$c"; then echo "$c"; exit 0; fi
  done
fi
echo "No Python 3.12 or newer found; install one (e.g. apt-get install python3.12) or set PYTHON=/path/to/python3.12" >&2
exit 1
