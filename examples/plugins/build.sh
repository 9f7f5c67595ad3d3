#!/usr/bin/env bash
# Builds the example plugins and puts each component next to its plugin.toml:
#   word-count/word_count.wasm  fs-search/fs_search.wasm  http-get/http_get.wasm
#   rm-guard/rm_guard.wasm  rs-tidy/rs_tidy.wasm  py-calc/py_calc.wasm
# Needs the wasm32-wasip2 Rust target and, for py-calc, componentize-py
# (`$COMPONENTIZE_PY`, else `componentize-py` on PATH). scripts/test installs
# both. Honours CARGO_TARGET_DIR (default: <repo>/target/plugins). Idempotent:
# cargo rebuilds only what changed, py-calc only when its sources did.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/../../target/plugins}"

cargo build --quiet --locked --release --target wasm32-wasip2
for crate in word-count fs-search http-get rm-guard rs-tidy; do
    lib="${crate//-/_}"
    cp "$CARGO_TARGET_DIR/wasm32-wasip2/release/$lib.wasm" "$crate/$lib.wasm"
done

# py-calc: componentize-py bundles CPython and app.py into one component.
# It stays on world 0.1.0 (the frozen copy): a plugin built for an older
# world keeps working unchanged.
out=py-calc/py_calc.wasm
wit=../../host/src/plugins/world/wit/0.1.0
if [ ! -f "$out" ] || [ -n "$(find py-calc/app.py py-calc/calc.py "$wit" -newer "$out" -print -quit)" ]; then
    "${COMPONENTIZE_PY:-componentize-py}" -d "$wit" -w plugin componentize app \
        -p py-calc -o "$out.tmp" >/dev/null
    mv "$out.tmp" "$out"
fi
