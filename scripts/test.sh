#!/usr/bin/env bash
# Runs every test: installs the system libraries if needed, then the one integration-test
# binary (tests/it), then checks that the library, the game included, still compiles for
# the browser (wasm32-unknown-unknown), so that nothing desktop-only creeps into the game
# path. Extra arguments go to the test binary (e.g. a name filter).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh --render
cargo test --locked --test it -- "$@"
if [[ $# -eq 0 ]]; then
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
  echo "checking the game compiles for wasm32-unknown-unknown" >&2
  cargo check --locked --lib --target wasm32-unknown-unknown
fi
