#!/usr/bin/env bash
# Installs and starts what the test suite needs that pip cannot give: a PostgreSQL
# server on 127.0.0.1 and Debian's Chromium. Idempotent; runs without standard input.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  apt-get update -qq </dev/null
  apt-get install -y -qq "${need[@]}" </dev/null >/dev/null
fi
# Placeholder until the PostgreSQL test setup lands (issue 4).
