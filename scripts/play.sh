#!/usr/bin/env bash
# Plays Crypto Horizon: installs the system libraries if needed, builds and starts the game.
# Extra arguments go to `horizon` (e.g. `scripts/play.sh --data-dir /tmp/profile`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
exec cargo run --release -- "$@"
