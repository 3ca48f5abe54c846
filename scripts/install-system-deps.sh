#!/usr/bin/env bash
# Installs the Debian packages the program and its tests need, when any is missing.
# Qt's xcb/EGL/NSS libraries for QtWebEngine, Xvfb for headless runs, CJK fonts for the
# labels, CUPS with the cups-pdf printer for the print tests, poppler for reading printed
# PDFs back, gnome-keyring + dbus for the Secret Service test.
set -euo pipefail

packages=(
  xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libegl1 libgl1
  libnss3 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxkbfile1 libasound2 libfontconfig1
  libxshmfence1 libgbm1 libxi6 fonts-noto-cjk
  cups cups-client cups-bsd printer-driver-cups-pdf poppler-utils
  gnome-keyring dbus-x11 dbus-daemon
)

command -v dpkg-query >/dev/null 2>&1 || { echo "Not a Debian/Ubuntu system: install the equivalents of: ${packages[*]}"; exit 0; }

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "Run as root: apt-get install ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
