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
  apt_install "${missing[@]}"
}

apt_install() {
  echo "==> installing $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
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

# ensure_fuzz_toolchain: clang, its libFuzzer runtime and llvm-symbolizer
# (for readable crash reports). Debian ships the runtime in libclang-rt-N-dev,
# only a recommendation of clang, so it is installed when a fuzzer will not link.
ensure_fuzz_toolchain() {
  ensure_packages clang:clang llvm-symbolizer:llvm
  fuzzer_links && return 0
  apt_install "libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev"
  fuzzer_links || { echo "clang cannot link a libFuzzer target (-fsanitize=fuzzer)" >&2; return 1; }
}

fuzzer_links() {
  local dir status=0
  dir=$(mktemp -d)
  printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return (int)(d && n && 0); }\n' >"$dir/f.c"
  clang -fsanitize=fuzzer,address,undefined "$dir/f.c" -o "$dir/f" >/dev/null 2>&1 || status=1
  rm -rf "$dir"
  return $status
}

FUZZERS="csv model cli"

# build_fuzz: the libFuzzer harnesses of tests/fuzz/, with ASan and UBSan, in build-fuzz/.
build_fuzz() {
  CC=clang cmake -S "$DESCENT_ROOT" -B "$DESCENT_ROOT/build-fuzz" -DDESCENT_FUZZ=ON -DDESCENT_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  local name targets=()
  for name in $FUZZERS; do targets+=("fuzz_$name"); done
  cmake --build "$DESCENT_ROOT/build-fuzz" -j "$JOBS" --target "${targets[@]}" >/dev/null
}

# run_fuzzer NAME SECONDS: fuzzes tests/fuzz/fuzz_NAME.c for SECONDS from its
# committed seeds (tests/fuzz/corpus/NAME), growing a working corpus in
# build-fuzz/corpus/NAME. Prints one line; on a crash, a leak, a hang (10 s on
# one input) or an allocation over 256 MB, the report and the input's file,
# and fails. Every input is at most 4 KB, so nothing needs more memory.
run_fuzzer() {
  local name=$1 seconds=$2 dir="$DESCENT_ROOT/build-fuzz"
  local log="$dir/fuzz-$name.log" work="$dir/corpus/$name"
  mkdir -p "$work"
  if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "$dir/fuzz_$name" \
      -max_total_time="$seconds" -max_len=4096 -timeout=10 -malloc_limit_mb=256 -rss_limit_mb=2048 \
      -close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$dir/crash-$name-" \
      "$work" "$DESCENT_ROOT/tests/fuzz/corpus/$name" >"$log" 2>&1; then
    local runs
    runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$log")
    echo "fuzz_$name: ${runs:-done}, nothing found (corpus: $(find "$work" -type f | wc -l) inputs)"
  else
    grep -v -e '^#[0-9]' -e '^INFO:' "$log" | tail -n 40
    echo "fuzz_$name FAILED: the input is in $(grep -o "$dir/crash-$name-[^ ]*" "$log" | tail -n 1); full log: $log"
    return 1
  fi
}

ensure_emscripten() {
  ensure_packages emcc:emscripten wasm-split:binaryen node:nodejs
}

# build_wasm: the ES module (descent.mjs + descent.wasm + descent-scalar.wasm)
# and the C tests compiled to wasm, in build-wasm/.
build_wasm() {
  # Debian's emcc finds acorn for its JS optimizer only through NODE_PATH.
  export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}
  # Configured once: a later build re-runs CMake by itself when CMakeLists.txt
  # changes, so a second start (scripts/demo) only builds what is out of date.
  if [ ! -f "$DESCENT_ROOT/build-wasm/CMakeCache.txt" ]; then
    emcmake cmake -S "$DESCENT_ROOT" -B "$DESCENT_ROOT/build-wasm" -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  cmake --build "$DESCENT_ROOT/build-wasm" -j "$JOBS" "$@" >/dev/null
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
  ensure_packages /usr/bin/chromium-headless-shell:chromium-headless-shell
}

# stage_web: the page's generated files, never committed: the wasm module and
# its JavaScript from build-wasm/ into web/lib/, protobufjs into web/vendor/,
# and the bundles the page loads by default (scripts/bundle-page.mjs).
# Needs build_wasm and ensure_node_modules first.
stage_web() {
  local web="$DESCENT_ROOT/web" f
  mkdir -p "$web/lib" "$web/vendor"
  # what the build ships (CMakeLists.txt writes the list)
  while read -r f; do
    cp "$DESCENT_ROOT/build-wasm/$f" "$web/lib/$f"
  done <"$DESCENT_ROOT/build-wasm/shipped.txt"
  # protobufjs's minimal build, for the page's ONNX export (it sets globalThis.protobuf)
  cp "$DESCENT_ROOT/node_modules/protobufjs/dist/minimal/protobuf.min.js" "$web/vendor/protobuf.min.js"
  # the page's modules and the worker, each bundled and minified with its
  # source map (web/lib/page.mjs, web/lib/worker.mjs), and web/debug.html: the page on web/js as it is
  node "$DESCENT_ROOT/scripts/bundle-page.mjs"
}
