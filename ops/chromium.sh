#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser tests (Playwright drives it through
# ExecutablePath; Playwright's own browser downloads are never used). Installs the packages
# `chromium` and `chromium-driver` with apt-get when /usr/bin/chromium is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
sudo=""
if [ "$(id -u)" != "0" ]; then
  command -v sudo >/dev/null || { echo "Chromium is missing and this user cannot install it (no sudo)." >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
$sudo apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >&2
[ -x /usr/bin/chromium ] || { echo "apt-get did not install /usr/bin/chromium." >&2; exit 1; }
