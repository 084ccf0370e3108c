# Sourced (by bash) from `make test`: environment for the test run.
TS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
export TRADESCREEN_SHARED_DATA="${TRADESCREEN_SHARED_DATA:-$(cd "$TS_ROOT/.." && pwd)/shared/data}"
TS_PG_PORT="${TS_PG_PORT:-55432}"
if ls /usr/lib/postgresql/*/bin/pg_isready >/dev/null 2>&1 \
   && "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/pg_isready" -h 127.0.0.1 -p "$TS_PG_PORT" -q; then
  export TRADESCREEN_TEST_PG_URL="${TRADESCREEN_TEST_PG_URL:-postgresql+psycopg://postgres@127.0.0.1:$TS_PG_PORT/postgres}"
fi
# Never let a developer's own database leak into the tests.
unset TRADESCREEN_DB TRADESCREEN_LOCAL_AUTH
