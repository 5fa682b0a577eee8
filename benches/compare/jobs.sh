#!/usr/bin/env bash
# Runs the everyday jobs (mnist, wide, tiny, infer) in ndnet (examples/user_jobs.rs, X given
# column-major and row-major), when torch is installed in PyTorch (torch_jobs.py), and when
# benches/compare/burn_jobs has been built (cd there; cargo build --release) in burn, one
# process per job, back to back, and prints each line.
# Usage (from the crate root): NDNET_DATA=../shared/data benches/compare/jobs.sh [passes]
set -euo pipefail
# SIMD=avx2 runs every side as on a CPU without AVX-512: ndnet's kernels capped by NDNET_SIMD,
# PyTorch's (MKL, oneDNN, ATen) by their own switches; burn_jobs builds burn's gemm without its
# x86-v4 feature, so its products run the AVX2 kernels either way.
if [ "${SIMD:-}" = avx2 ]; then
    export NDNET_SIMD=avx2 OPENBLAS_CORETYPE=Haswell MKL_ENABLE_INSTRUCTIONS=AVX2 \
        ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2
elif [ -n "${SIMD:-}" ]; then
    echo "SIMD is ${SIMD}: only avx2 is known (unset: each library's best)" >&2
    exit 2
fi
here=$(dirname "$0")
passes=${1:-1}
burn=$here/burn_jobs/target/release/burn_jobs
cargo build --release --quiet --features mnist --example user_jobs
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(grep -o -m1 'avx512f' /proc/cpuinfo || echo 'no AVX-512')${SIMD:+, capped at $SIMD}"
for _ in $(seq "$passes"); do
    for job in mnist wide tiny infer; do
        layouts=columns
        case $job in mnist | wide) layouts="columns rows" ;; esac
        for layout in $layouts; do
            echo "ndnet $job: $(NDNET_X_LAYOUT=$layout ./target/release/examples/user_jobs "$job")"
        done
        if python3 -c "import torch" 2>/dev/null; then
            echo "torch $job: $(python3 "$here/torch_jobs.py" "$job")"
        fi
        if [ -x "$burn" ]; then
            echo "burn $job: $("$burn" "$job")"
        fi
    done
done
