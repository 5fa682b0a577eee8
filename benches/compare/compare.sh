#!/usr/bin/env bash
# Runs ndnet's example, the course's numpy code and (when torch is installed) the same job in
# PyTorch back to back, and prints the ratios of their training times.
#
# Usage (from the crate root): benches/compare/compare.sh {logistic|deep} {f64|f32} [--no-gram]
# (--no-gram times ndnet's textbook products with X instead of the Gram form of batch
# gradient descent, see ndnet::TrainConfig::gram).
# Needs: NDNET_DATA pointing at the data sets (default data/), python3 with numpy and h5py;
# torch is optional (pip install torch). With WITH_BURN=1 the f32 jobs also run in burn 0.22
# (benches/compare/burn_course, a separate crate; its first build takes 10–20 minutes).
# numpy is run with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset (they slow a current numpy down),
# except with SIMD=avx2 (below).
set -euo pipefail
# SIMD=avx2: every side as on a CPU without AVX-512 (see simd_cap.sh).
source "$(dirname "$0")/simd_cap.sh"
job=${1:-deep}
precision=${2:-f64}
example=$([ "$job" = logistic ] && echo cat_logistic_regression || echo cat_deep)
flag=$([ "$precision" = f32 ] && echo --f32 || true)
flag="$flag ${3:-}"
here=$(dirname "$0")

cargo build --release --quiet --features hdf5,plot,image --example "$example"
ndnet_line=$(./target/release/examples/"$example" $flag | grep '^train_accuracy=')
if [ "${SIMD:-}" = avx2 ]; then
    numpy_line=$(env -u OPENBLAS_L2_SIZE python3 "$here/numpy_course.py" "$job" "$precision")
else
    numpy_line=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 "$here/numpy_course.py" "$job" "$precision")
fi
seconds() { sed -E 's/.*train_seconds=([0-9.]+).*/\1/' <<<"$1"; }
echo "ndnet: $ndnet_line"
echo "numpy: $numpy_line"
python3 -c "print('job=$job precision=$precision speedup_over_numpy=%.2f' % ($(seconds "$numpy_line") / $(seconds "$ndnet_line")))"
if python3 -c "import torch" 2>/dev/null; then
    torch_line=$(python3 "$here/torch_course.py" "$job" "$precision")
    echo "torch: $torch_line"
    python3 -c "print('job=$job precision=$precision speedup_over_torch=%.2f' % ($(seconds "$torch_line") / $(seconds "$ndnet_line")))"
else
    echo "torch: not installed, skipped"
fi
if [ "${WITH_BURN:-}" = 1 ] && [ "$precision" = f32 ]; then
    (cd "$here/burn_course" && cargo build --release --quiet)
    burn_line=$(NDNET_DATA="$(realpath "${NDNET_DATA:-data}")" "$here/burn_course/target/release/burn_course" "$job")
    echo "burn: $burn_line"
    python3 -c "print('job=$job precision=$precision speedup_over_burn=%.2f' % ($(seconds "$burn_line") / $(seconds "$ndnet_line")))"
fi
