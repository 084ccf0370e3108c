# Sourced by `make test`: environment for the test run.
export TRADESCREEN_SHARED_DATA="${TRADESCREEN_SHARED_DATA:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/shared/data}"
