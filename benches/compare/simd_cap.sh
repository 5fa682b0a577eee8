# Sourced by compare.sh and jobs.sh. SIMD=avx2 runs every side as on a CPU without AVX-512:
# ndnet's kernels capped by NDNET_SIMD, OpenBLAS's by OPENBLAS_CORETYPE=Haswell, PyTorch's (MKL,
# oneDNN, ATen) by their own switches; burn's gemm is built without its x86-v4 feature, so its
# products run the AVX2 kernels either way.
if [ "${SIMD:-}" = avx2 ]; then
    export NDNET_SIMD=avx2 OPENBLAS_CORETYPE=Haswell MKL_ENABLE_INSTRUCTIONS=AVX2 \
        ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2
elif [ -n "${SIMD:-}" ]; then
    echo "SIMD is ${SIMD}: only avx2 is known (unset: each library's best)" >&2
    exit 2
fi
