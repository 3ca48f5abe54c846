#!/bin/sh
# Start a local CUPS (if it is not running) with a "LabelPDF" queue whose printer writes
# PDF files, for the printing tests and CI. Must run as root.
#
#   scripts/start-cups.sh [QUEUE] [OUTDIR]
#
# The queue uses the cups-pdf backend with its own per-queue configuration
# (/etc/cups/cups-pdf-<QUEUE>.conf, picked by the device URI cups-pdf:/<QUEUE>), so every
# job lands in OUTDIR whoever submitted it. Prints "queue=<name> outdir=<dir>" when ready.
# CUPS_PDF_PPD names the printer's model, or a PPD file to use instead.
set -eu

QUEUE="${1:-LabelPDF}"
OUTDIR="${2:-/var/spool/cups-pdf/$QUEUE}"
PPD="${CUPS_PDF_PPD:-lsb/usr/cups-pdf/CUPS-PDF_opt.ppd}"

if [ "$(id -u)" -ne 0 ]; then
    echo "start-cups.sh: must run as root (starts cupsd, runs lpadmin)" >&2
    exit 1
fi

cups_running() {
    lpstat -r 2>/dev/null | grep -q "is running"
}

if ! cups_running; then
    mkdir -p /run/cups
    cupsd
    i=0
    until cups_running; do
        i=$((i + 1))
        if [ "$i" -gt 100 ]; then
            echo "start-cups.sh: cupsd did not start within 10 s" >&2
            exit 1
        fi
        sleep 0.1
    done
fi

mkdir -p "$OUTDIR"
chmod 1777 "$OUTDIR"
CONF="/etc/cups/cups-pdf-$QUEUE.conf"
cat > "$CONF.tmp" <<CONF
# Written by scripts/start-cups.sh for the "$QUEUE" test queue.
Out $OUTDIR
AnonDirName $OUTDIR
Grp lpadmin
UserUMask 0000
DecodeHexStrings 1
CONF
mv "$CONF.tmp" "$CONF"

if ! lpstat -p "$QUEUE" >/dev/null 2>&1; then
    if [ -f "$PPD" ]; then  # a PPD file of its own (tests: a printer of one resolution)
        lpadmin -p "$QUEUE" -E -v "cups-pdf:/$QUEUE" -P "$PPD"
    else
        lpadmin -p "$QUEUE" -E -v "cups-pdf:/$QUEUE" -m "$PPD"
    fi
fi
cupsenable "$QUEUE"
cupsaccept "$QUEUE"

echo "queue=$QUEUE outdir=$OUTDIR"
