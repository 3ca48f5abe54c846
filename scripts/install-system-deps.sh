#!/usr/bin/env bash
# Installs the Debian packages of scripts/system-packages.txt that are missing.
#
#   bash scripts/install-system-deps.sh          # everything: running and testing
#   bash scripts/install-system-deps.sh --run    # only what running the program needs
#   bash scripts/install-system-deps.sh --print  # only print the missing packages
#
# As root it installs them; otherwise through sudo when there is sudo. Without either it
# prints the one `apt-get install ...` line to run and exits 1. On a system without dpkg it
# names the packages (to find their equivalents) and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
LIST=${WAYBILL_SYSTEM_PACKAGES:-scripts/system-packages.txt}
scope=all
mode=install
for arg in "$@"; do
  case "$arg" in
    --run) scope=run ;;
    --print) mode=print ;;
    *) echo "usage: $0 [--run] [--print]" >&2; exit 2 ;;
  esac
done

[ -r "$LIST" ] || { echo "cannot read the package list $LIST" >&2; exit 2; }
packages=()
while read -r name tag _; do
  [ -z "$name" ] && continue
  [ "$scope" = run ] && [ "$tag" = test ] && continue
  packages+=("$name")
done < <(sed -e 's/#.*//' "$LIST")

command -v dpkg-query >/dev/null 2>&1 || {
  echo "Not a Debian/Ubuntu system: install the equivalents of: ${packages[*]}"
  exit 0
}

# One dpkg-query for the whole list (make demo runs this on every start).
declare -A installed=()
while IFS=$'\t' read -r name status; do
  [ "$status" = "install ok installed" ] && installed[$name]=1
done < <(dpkg-query -W -f='${Package}\t${Status}\n' "${packages[@]}" 2>/dev/null || true)
missing=()
for p in "${packages[@]}"; do
  [ -n "${installed[$p]:-}" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

line="apt-get install --no-install-recommends ${missing[*]}"
if [ "$mode" = print ]; then
  echo "Missing Debian packages; install them with: sudo $line"
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "Missing Debian packages and no sudo; as root run: $line" >&2
    exit 1
  fi
  sudo="sudo"
fi
echo "Installing Debian packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
