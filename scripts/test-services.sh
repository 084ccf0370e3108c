#!/usr/bin/env bash
# Installs and starts what the test suite needs that pip cannot give: a PostgreSQL server
# on 127.0.0.1 and Debian's Chromium. Idempotent; runs without standard input.
# The server runs from a private data directory on port $TS_PG_PORT, so it neither needs
# nor touches a system cluster. The data directory is outside the checkout
# (/var/tmp/tradescreen-pg-<uid>-<checkout hash>-<port>, or $TS_PG_DATA): run as root, the
# server runs as user postgres, which cannot enter a checkout under a private home such
# as /root. `bash scripts/test-services.sh stop` stops this checkout's server.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
  $SUDO apt-get update -qq </dev/null
  $SUDO apt-get install -y -qq "${need[@]}" </dev/null >/dev/null
fi

PORT="${TS_PG_PORT:-55432}"
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
CHECKOUT_HASH="$(printf '%s' "$PWD" | sha256sum | cut -c1-12)"
DATA="${TS_PG_DATA:-/var/tmp/tradescreen-pg-$(id -u)-$CHECKOUT_HASH-$PORT}"
RUN_AS=()
if [ "$(id -u)" = 0 ]; then RUN_AS=(runuser -u postgres --); fi
# From here on nothing needs the checkout; the postgres user may not be able to enter it.
cd /
if [ "${1:-}" = stop ]; then
  if [ -f "$DATA/postmaster.pid" ]; then
    "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    echo "PostgreSQL on port $PORT stopped ($DATA)"
  else
    echo "no server of this checkout on port $PORT ($DATA)"
  fi
  exit 0
fi
if ! "$BIN/pg_isready" -h 127.0.0.1 -p "$PORT" -q 2>/dev/null; then
  if [ ! -f "$DATA/PG_VERSION" ]; then
    rm -rf "$DATA"
    mkdir -p "$DATA"
    [ "$(id -u)" = 0 ] && chown postgres "$DATA" && chmod 700 "$DATA"
    "${RUN_AS[@]}" "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  [ "$(id -u)" = 0 ] && chown -R postgres "$DATA"
  "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
    -o "-h 127.0.0.1 -p $PORT -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
fi
"$BIN/pg_isready" -h 127.0.0.1 -p "$PORT" -q
echo "PostgreSQL ready on 127.0.0.1:$PORT"
