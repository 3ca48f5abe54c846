#!/usr/bin/env bash
# Smoke test of the built bundle: its --self-test, then a headless fetch against its own
# sandbox (two labels written as PDFs, one cancelled order → exit status 1).
#
#   bash scripts/smoke-bundle.sh            # build first, then test
#   bash scripts/smoke-bundle.sh --no-build # test the bundle already in dist/
set -uo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
BUNDLE="$REPO/dist/waybill-printer"
BIN="$BUNDLE/waybill-printer"
failures=0
pass() { echo "PASS  $*"; }
fail() { echo "FAIL  $*"; failures=$((failures + 1)); }

if [ "${1:-}" != "--no-build" ]; then
  started=$(date +%s)
  bash scripts/build-bundle.sh || { echo "FAIL  build"; exit 1; }
  echo "build time: $(( $(date +%s) - started )) s"
fi
[ -x "$BIN" ] || { echo "FAIL  no bundle at $BIN (build it first)"; exit 1; }

# A private home: the bundle's settings, ledger and caches go to a throw-away folder.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/waybill-smoke-XXXXXX")
export XDG_CACHE_HOME="$WORK/cache" XDG_CONFIG_HOME="$WORK/config"
export XDG_DATA_HOME="$WORK/data" XDG_STATE_HOME="$WORK/state" TMPDIR="$WORK"
[ "$(id -u)" = 0 ] && export QTWEBENGINE_DISABLE_SANDBOX=1
SANDBOX_PID=""
cleanup() {
  if [ -n "$SANDBOX_PID" ] && kill -0 "$SANDBOX_PID" 2>/dev/null; then
    kill "$SANDBOX_PID" 2>/dev/null
    wait "$SANDBOX_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"

# 1. The self-test: renders a label offscreen and checks page size and barcode.
if "$BIN" --self-test >"$WORK/selftest.out" 2>"$WORK/selftest.err"; then
  pass "self-test ($(tail -n 1 "$WORK/selftest.out"))"
else
  fail "self-test:"; cat "$WORK/selftest.out"; tail -n 20 "$WORK/selftest.err"
fi

# 2. The bundle's own sandbox, in the background; its first lines say where and who.
"$BIN" sandbox >"$WORK/sandbox.out" 2>"$WORK/sandbox.err" &
SANDBOX_PID=$!
for _ in $(seq 1 100); do
  grep -q '^AppSecret:' "$WORK/sandbox.out" 2>/dev/null && break
  kill -0 "$SANDBOX_PID" 2>/dev/null || break
  sleep 0.2
done
URL=$(sed -n 's/^Sandbox listening on //p' "$WORK/sandbox.out")
APPID=$(sed -n 's/^AppID: *//p' "$WORK/sandbox.out")
SECRET=$(sed -n 's/^AppSecret: *\([^ ]*\).*/\1/p' "$WORK/sandbox.out")
if [ -n "$URL" ] && [ -n "$APPID" ] && [ -n "$SECRET" ]; then
  pass "sandbox listening on $URL"

  # 3. A headless fetch: two labels to PDF, one cancelled order (so the exit status is 1).
  mkdir -p "$WORK/pdf"
  WAYBILL_APPID="$APPID" WAYBILL_APPSECRET="$SECRET" "$BIN" fetch --json \
    --pdf-dir "$WORK/pdf" --api-base "$URL" A1 A2,ZTO CANCEL-3 \
    >"$WORK/fetch.out" 2>"$WORK/fetch.err"
  status=$?
  pdfs=$(find "$WORK/pdf" -name '*.pdf' -size +1k | wc -l)
  lines=$(grep -c '^{' "$WORK/fetch.out")
  cancelled=$(grep -c '"status": "cancelled"' "$WORK/fetch.out")
  if [ "$status" = 1 ] && [ "$pdfs" = 2 ] && [ "$lines" = 3 ] && [ "$cancelled" = 1 ]; then
    pass "fetch: exit status 1, $pdfs PDFs, $lines JSON lines, $cancelled cancelled"
  else
    fail "fetch: exit status $status (want 1), $pdfs PDFs (want 2), $lines JSON lines (want 3), $cancelled cancelled (want 1)"
    cat "$WORK/fetch.out"; tail -n 20 "$WORK/fetch.err"
  fi
  # The labels are set in the bundle's own TrueType label fonts (resources/fonts): no Type3
  # font (what the system's CFF CJK fonts become) in any label PDF.
  in_label_font=0
  for pdf in "$WORK"/pdf/*.pdf; do
    if grep -aq 'WaybillSansCJKSC' "$pdf" && ! grep -aq '/Type3' "$pdf"; then
      in_label_font=$((in_label_font + 1))
    fi
  done
  if [ "$pdfs" -gt 0 ] && [ "$in_label_font" = "$pdfs" ]; then
    pass "label fonts: $in_label_font of $pdfs PDFs set in Waybill Sans CJK SC, no Type3"
  else
    fail "label fonts: $in_label_font of $pdfs PDFs set in Waybill Sans CJK SC without Type3"
  fi
else
  fail "sandbox did not start:"; cat "$WORK/sandbox.out" "$WORK/sandbox.err"
fi

# 4. The window: --demo must build and keep running (every import the GUI needs is in the
#    bundle); offscreen, so no display is needed. Ended after 10 s.
QT_QPA_PLATFORM=offscreen "$BIN" --demo >"$WORK/demo.out" 2>"$WORK/demo.err" &
demo=$!
sleep 10
if kill -0 "$demo" 2>/dev/null; then
  pass "window: --demo still running after 10 s"
  kill "$demo"; wait "$demo" 2>/dev/null
else
  wait "$demo"; fail "window: --demo exited with status $?"; tail -n 20 "$WORK/demo.err"
fi

# 5. Sounds: the bundle's QtMultimedia must load (the log names a missing library); the
#    sounds then play, or the log says why they beep (e.g. no audio device here).
LOG="$XDG_STATE_HOME/waybill-printer/log/waybill-printer.log"
if grep -q "QtMultimedia cannot be loaded" "$LOG" 2>/dev/null; then
  fail "sounds: $(grep -m1 'QtMultimedia cannot be loaded' "$LOG" | sed 's/.*\] //')"
elif grep -q "feedback sounds use the system beep" "$LOG" 2>/dev/null; then
  pass "sounds: QtMultimedia loads; $(grep -m1 'feedback sounds use' "$LOG" | sed 's/.*\] //')"
else
  pass "sounds: QtMultimedia loads and the machine has an audio output"
fi

echo "bundle size: $(du -sh "$BUNDLE" | cut -f1)"
if [ "$failures" = 0 ]; then
  echo "SMOKE: PASS"
else
  echo "SMOKE: FAIL ($failures failed)"
  exit 1
fi
