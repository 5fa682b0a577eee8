#!/usr/bin/env bash
# CI step: the linalg unit tests (the SIMD kernels against the naive product on every layout
# and every kind of view, and the kernels' own precondition checks) under AddressSanitizer,
# which needs a nightly toolchain (-Zsanitizer). Skipped with a message when none is
# installed, as fuzz/ci-build.sh does; a failing build or test fails the step. Builds into
# target/x86_64-unknown-linux-gnu (the explicit --target keeps build scripts and proc macros
# unsanitized and apart from the stable build).
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-unknown-linux-gnu
if ! rustc +nightly -V >/dev/null 2>&1 || ! cargo +nightly -V >/dev/null 2>&1; then
    echo "skipped: no nightly toolchain for AddressSanitizer (rustup toolchain install nightly to run it)"
    exit 0
fi
host=$(rustc +nightly -vV | sed -n 's/^host: //p')
if [ "$host" != "$target" ]; then
    echo "skipped: AddressSanitizer runs on $target here, this host is $host"
    exit 0
fi
echo "AddressSanitizer: linalg tests with $(rustc +nightly -V)"
RUSTFLAGS="-Zsanitizer=address" cargo +nightly test --target "$target" --lib linalg
echo "AddressSanitizer: no error"
