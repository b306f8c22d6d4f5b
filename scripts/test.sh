#!/usr/bin/env bash
# Runs every test: installs the system libraries if needed, then the one integration-test
# binary (tests/it); then builds the browser game (scripts/web.sh) and plays it end to end in
# headless Chromium against a real `horizon serve` (web/tests/browser.mjs). Extra arguments
# go to the test binary (e.g. a name filter) and skip the browser.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh --render --web
cargo test --locked --test it -- "$@"
if [[ $# -eq 0 ]]; then
  target_dir="${CARGO_TARGET_DIR:-target}"
  scripts/web.sh
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
  echo "playing the browser game in headless Chromium" >&2
  node web/tests/browser.mjs "$target_dir/debug/horizon" "$target_dir/browser-test"
fi
