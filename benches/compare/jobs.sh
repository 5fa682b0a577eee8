#!/usr/bin/env bash
# Runs the everyday jobs (mnist, wide, tiny, infer) in ndnet (examples/user_jobs.rs, X given
# column-major and row-major), when torch is installed in PyTorch (torch_jobs.py), and when
# benches/compare/burn_jobs has been built (cd there; cargo build --release) in burn, one
# process per job, back to back, and prints each line.
# Usage (from the crate root): NDNET_DATA=../shared/data benches/compare/jobs.sh [passes]
set -euo pipefail
# SIMD=avx2: every side as on a CPU without AVX-512 (see simd_cap.sh).
source "$(dirname "$0")/simd_cap.sh"
here=$(dirname "$0")
passes=${1:-1}
burn=$here/burn_jobs/target/release/burn_jobs
cargo build --release --quiet --features mnist --example user_jobs
family=$(grep -m1 '^cpu family' /proc/cpuinfo | cut -d: -f2 | xargs)
model=$(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | cut -d: -f2 | xargs)
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) (family $family, model $model), $(nproc) cores, $(grep -o -m1 'avx512f' /proc/cpuinfo || echo 'no AVX-512')${SIMD:+, capped at $SIMD}; each ndnet line ends with the kernels that ran (simd=)"
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
