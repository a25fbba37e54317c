#!/usr/bin/env bash
# Install the Debian/Ubuntu packages SafeGround needs, when missing (as root, or through sudo).
#   scripts/install-system-packages.sh          what `make demo` needs
#   scripts/install-system-packages.sh --test   plus PostGIS and the client tools (pg_dump) of the running
#                                              PostgreSQL, Chromium for browser tests, and poppler-utils
#                                              (pdftoppm, pdftotext) for the report rendering tests
set -euo pipefail

packages=(python3 python3-venv python3-dev libsqlite3-mod-spatialite gdal-bin libgeos-c1v5 libproj-dev fonts-khmeros fonts-noto-core gettext)
if [[ "${1:-}" == "--test" ]]; then
  pg_major=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -n 1)
  # pg_dump/pg_restore of the same major as the server: `safeground backup`/`restore` and their tests.
  packages+=("postgresql-${pg_major:-15}-postgis-3" "postgresql-client-${pg_major:-15}" chromium poppler-utils)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "Missing system packages: ${missing[*]}; install them as root (apt-get install ${missing[*]})." >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "Not a Debian/Ubuntu system: install the equivalents of ${missing[*]} by hand." >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
