#!/usr/bin/env bash
# Installs the Debian packages a make target needs, when missing.
# Usage: scripts/system-deps.sh venv|demo|test|bench
# As root the packages are installed with apt-get; otherwise the missing ones are named and we stop.
set -euo pipefail

want=()
need() { want+=("$1"); }

have_postgres() { compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; }
have_chromium() { [ -x /usr/bin/chromium ]; }
have_cjk_fonts() { [ -d /usr/share/fonts/opentype/noto ] && ls /usr/share/fonts/opentype/noto | grep -qi cjk; }

case "${1:-}" in
  venv)
    python3 -c 'import ensurepip, venv' 2>/dev/null || need python3-venv
    ;;
  demo)
    # seal images and signed documents are set in an installed CJK font
    have_cjk_fonts || need fonts-noto-cjk
    ;;
  test)
    have_postgres || need postgresql
    have_chromium || need chromium
    have_cjk_fonts || need fonts-noto-cjk
    # pdfsig, pdftoppm and pdftotext check signed PDFs; certutil makes the NSS trust store pdfsig reads
    command -v pdfsig >/dev/null || need poppler-utils
    command -v certutil >/dev/null || need libnss3-tools
    ;;
  bench)
    command -v wrk >/dev/null || need wrk
    have_cjk_fonts || need fonts-noto-cjk
    ;;
  *)
    echo "usage: $0 venv|demo|test|bench" >&2
    exit 2
    ;;
esac

[ ${#want[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${want[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
else
  echo "Missing Debian packages: ${want[*]}" >&2
  echo "Install them first, e.g.: sudo apt-get install ${want[*]}" >&2
  exit 1
fi
