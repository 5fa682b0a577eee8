#!/usr/bin/env bash
# CI step for the fuzz targets: build them (fuzz/build.sh) when a nightly toolchain is
# installed, else print why they were skipped and succeed. A failing build fails the step; only
# a missing nightly toolchain is a skip. The targets are not run here: their regression inputs
# (fuzz/regressions/) run on stable in tests/robustness/fuzz_regressions.rs.
set -euo pipefail
cd "$(dirname "$0")"
if ! rustc +nightly -V >/dev/null 2>&1 || ! cargo +nightly -V >/dev/null 2>&1; then
    echo "fuzz targets: skipped: no nightly toolchain (rustup toolchain install nightly to build them)"
    exit 0
fi
echo "fuzz targets: building with $(rustc +nightly -V)"
./build.sh
echo "fuzz targets: built"
