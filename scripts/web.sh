#!/usr/bin/env bash
# Builds the browser game into web/dist/: the wasm build (profile `web`), wasm-bindgen's
# glue (the CLI pinned to the lock's wasm-bindgen, installed when missing), wasm-opt when
# HORIZON_WASM_OPT names one that works (Debian's binaryen 108 breaks the externref table:
# see the README), content-hashed names, and brotli and gzip copies that `horizon serve`
# sends to browsers that take them. Any static web server can serve web/dist/ as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-target}"
tools="$target_dir/tools"
dist=web/dist

command -v brotli >/dev/null || { scripts/setup-debian.sh --web; }
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

# The CLI must be the very version of the wasm-bindgen crate in Cargo.lock.
version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
bindgen="$tools/bin/wasm-bindgen"
if ! "$bindgen" --version 2>/dev/null | grep -qx "wasm-bindgen $version"; then
  echo "installing wasm-bindgen-cli $version into $tools" >&2
  # Not --locked: the CLI's own lock pins a webpki-roots release the registry no longer serves.
  cargo install --quiet wasm-bindgen-cli --version "=$version" --root "$tools"
fi

cargo build --locked --profile web --target wasm32-unknown-unknown --bin horizon
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
"$bindgen" --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$stage" --out-name horizon "$target_dir/wasm32-unknown-unknown/web/horizon.wasm"
if [[ -n "${HORIZON_WASM_OPT:-}" ]]; then
  "$HORIZON_WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-reference-types --enable-multivalue --enable-mutable-globals \
    -o "$stage/horizon_bg.opt.wasm" "$stage/horizon_bg.wasm"
  mv "$stage/horizon_bg.opt.wasm" "$stage/horizon_bg.wasm"
fi

# Hashed names: a new build is never mixed with a cached old one; index.html and
# manifest.json are the only files a browser must revalidate.
rm -rf "$dist"
mkdir -p "$dist"
hashed() { echo "$2-$(sha256sum "$1" | cut -c1-16).$3"; }
wasm=$(hashed "$stage/horizon_bg.wasm" horizon wasm)
js=$(hashed "$stage/horizon.js" horizon js)
cp "$stage/horizon_bg.wasm" "$dist/$wasm"
cp "$stage/horizon.js" "$dist/$js"
cp web/index.html "$dist/index.html"
printf '{"js":"%s","wasm":"%s","wasm_bytes":%d}\n' "$js" "$wasm" "$(stat -c %s "$dist/$wasm")" >"$dist/manifest.json"
for f in "$dist/$wasm" "$dist/$js" "$dist/index.html"; do
  brotli --quality=9 --keep --force "$f"
  gzip -9 --keep --force "$f"
done
echo "web/dist: $(stat -c %s "$dist/$wasm") bytes of wasm, $(stat -c %s "$dist/$wasm.br") brotli, $(stat -c %s "$dist/$wasm.gz") gzip" >&2
