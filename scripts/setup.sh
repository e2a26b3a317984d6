#!/usr/bin/env bash
# Set up a fresh machine: Debian libraries WeasyPrint and the tests need, uv, the locked env.
# chromium: the browser tests of report.html (tests/test_web.py) drive Debian's Chromium through
# Playwright; Playwright never downloads a browser of its own (no `playwright install`).
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium: the HTML edition's browser test; libreoffice-impress renders the deck for the render
# test and `make deck-png` (about 200 MB, 3 min with --no-install-recommends on a fresh Debian 12)
DEBIAN_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils
  chromium libreoffice-impress)
missing=()
if command -v dpkg-query >/dev/null; then
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
if ((${#missing[@]})); then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

UV=(uv)
if ! command -v uv >/dev/null; then
  if ! python3 -m uv --version >/dev/null 2>&1; then
    echo "Installing uv (the Python package manager)"
    python3 -m pip install --quiet --disable-pip-version-check uv
  fi
  UV=(python3 -m uv)
fi
# compiled bytecode: imports (pandas in every kernel) start several times faster, and the
# environment may set PYTHONDONTWRITEBYTECODE, which would otherwise recompile on every start
# a fresh machine downloads and compiles the whole environment (about a minute): say so and let
# uv show its progress; an existing one is only checked, quietly
if [ -d .venv ]; then
  "${UV[@]}" sync --locked --compile-bytecode --quiet
else
  echo "Installing the Python environment in .venv (the locked packages; a minute or more, uv shows its progress)"
  "${UV[@]}" sync --locked --compile-bytecode
  echo "Python environment ready"
fi
