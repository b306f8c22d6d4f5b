#!/usr/bin/env bash
# Runs every test: installs the system libraries if needed, then the one integration-test
# binary (tests/it). Extra arguments go to the test binary (e.g. a name filter).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh --render
exec cargo test --locked --test it -- "$@"
