# scripts/lib.sh - what scripts/test, scripts/demo and scripts/bench share:
# installing what a fresh Debian/Ubuntu machine lacks, and the native build.
# Sourced, not run.

DESCENT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JOBS=$(nproc 2>/dev/null || echo 2)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# ensure_packages "check-command-or-/path:debian-package" ...
# Installs the Debian packages whose check fails, with one apt-get update.
ensure_packages() {
  local missing=() spec check pkg
  for spec in "$@"; do
    check=${spec%%:*}
    pkg=${spec#*:}
    if [ "${check#/}" != "$check" ]; then
      [ -e "$check" ] || missing+=("$pkg")
    else
      command -v "$check" >/dev/null 2>&1 || missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_native_toolchain() {
  ensure_packages cc:gcc make:make cmake:cmake /usr/include/simde/wasm/simd128.h:libsimde-dev
}

# build_native DIR [cmake options...]: configure and build the library, CLI and C tests.
build_native() {
  local dir=$1
  shift
  cmake -S "$DESCENT_ROOT" -B "$DESCENT_ROOT/$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$DESCENT_ROOT/$dir" -j "$JOBS" >/dev/null
}

ensure_emscripten() {
  ensure_packages emcc:emscripten node:nodejs
}

# build_wasm: the ES module (descent.mjs + descent.wasm + descent-scalar.wasm)
# and the C tests compiled to wasm, in build-wasm/.
build_wasm() {
  # Debian's emcc finds acorn for its JS optimizer only through NODE_PATH.
  export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}
  emcmake cmake -S "$DESCENT_ROOT" -B "$DESCENT_ROOT/build-wasm" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$DESCENT_ROOT/build-wasm" -j "$JOBS" >/dev/null
}

# ensure_node_modules: the pinned devDependencies (TF.js for the conformance
# tests, TypeScript, ...) from package-lock.json, installed only when missing or stale.
ensure_node_modules() {
  ensure_packages node:nodejs npm:npm
  local stamp="$DESCENT_ROOT/node_modules/.descent-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$DESCENT_ROOT/package-lock.json" "$stamp"; then
    echo "==> installing npm packages (npm ci)"
    (cd "$DESCENT_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$DESCENT_ROOT/package-lock.json" "$stamp"
  fi
}

ensure_browser() {
  ensure_packages /usr/bin/chromium:chromium
}

# stage_web: the page's generated files, never committed: the wasm module and
# its JavaScript from build-wasm/ into web/lib/, and uPlot (npm) minified into
# web/vendor/. Needs build_wasm and ensure_node_modules first.
stage_web() {
  local web="$DESCENT_ROOT/web" f
  mkdir -p "$web/lib" "$web/vendor"
  for f in descent.mjs descent-glue.mjs descent.wasm descent-scalar-glue.mjs descent-scalar.wasm \
           descent-tune.mjs descent-tune-glue.mjs descent-tune.wasm descent-tune-scalar-glue.mjs descent-tune-scalar.wasm \
           worker.mjs client.mjs protocol.mjs tune-pool.mjs; do
    cp "$DESCENT_ROOT/build-wasm/$f" "$web/lib/$f"
  done
  local uplot="$DESCENT_ROOT/node_modules/uplot/dist"
  node "$DESCENT_ROOT/node_modules/terser/bin/terser" --module --compress --mangle \
    -o "$web/vendor/uPlot.mjs" "$uplot/uPlot.esm.js"
  cp "$uplot/uPlot.min.css" "$web/vendor/uPlot.min.css"
}
