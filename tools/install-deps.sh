#!/bin/sh
# Installs the Debian packages norm builds and tests with, when any is missing.
# Run by the Makefile before the first build; safe to run again.
set -e
# With --bench, what make bench needs besides: python3, taskset, GNU time (and the baselines' libraries).
PKGS="flex bison libpcre2-dev libjansson-dev libcmocka-dev nettle-dev libgnutls28-dev libsqlite3-dev sqlite3 libgraphviz-dev libsimdjson-dev libmicrohttpd-dev curl openssl fonts-dejavu-core pkg-config gcc g++ make clang libclang-rt-14-dev"
[ "$1" = "--bench" ] && PKGS="libsimdjson-dev g++ python3 util-linux time wrk libjansson-dev"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "norm: installerer manglende pakker:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
