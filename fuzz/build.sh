#!/usr/bin/env bash
# Builds the libFuzzer targets with the nightly toolchain: `cargo fuzz build` when cargo-fuzz is
# installed, else the same instrumentation flags by hand (what cargo-fuzz passes to rustc).
# Run one afterwards with e.g. `$TARGET_DIR/<host>/release/model fuzz/corpus/model -max_total_time=60`.
set -euo pipefail
cd "$(dirname "$0")"
if cargo +nightly fuzz --version >/dev/null 2>&1; then
    exec cargo +nightly fuzz build
fi
host="$(rustc +nightly -vV | sed -n 's/^host: //p')"
RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks" \
    cargo +nightly build --release --bins --target "$host"
