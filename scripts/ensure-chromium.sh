#!/usr/bin/env bash
# The browser test drives Debian's Chromium (a test tool's own browser
# download does not work offline). Install it when missing and we may.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser test..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
else
  echo "chromium is missing and cannot be installed here (not root):" \
       "the browser test will be skipped. Install the 'chromium' package to run it." >&2
fi
