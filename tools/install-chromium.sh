#!/bin/sh
# Installs Chromium (Debian package «chromium») for the browser test of the HTML report,
# when it is missing and this machine allows installing packages. Exit 0 when Chromium is
# there afterwards; otherwise says why on standard error and exits 1.
command -v chromium >/dev/null 2>&1 && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"
  else echo "ikke root, og sudo uten passord finnes ikke" >&2; exit 1; fi
fi
command -v apt-get >/dev/null 2>&1 || { echo "apt-get finnes ikke på denne maskinen" >&2; exit 1; }
echo "norm: installerer chromium for nettlesertesten av HTML-rapporten" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2 || { echo "apt-get update feilet (uten nett?)" >&2; exit 1; }
$SUDO apt-get install -y -qq --no-install-recommends chromium >&2 || { echo "apt-get install chromium feilet" >&2; exit 1; }
command -v chromium >/dev/null 2>&1
