//! Settings read from the environment are never ignored in silence: a malformed `NDNET_SIMD`
//! caps the kernels at `portable` and `linalg::simd()` says so (checked in a child process,
//! which reads the variable once). `NDNET_MEMORY_LIMIT` is checked in `tests/limits`.

#[test]
fn a_malformed_simd_variable_caps_the_kernels_at_portable_and_simd_says_so() {
    let name = "environment::a_malformed_simd_variable_caps_the_kernels_at_portable_and_simd_says_so";
    if let Ok(expected) = std::env::var("NDNET_SIMD_EXPECTED") {
        assert_eq!(ndnet::linalg::simd(), expected);
        return;
    }
    for (value, expected) in [("avx-2", "portable"), ("sse9", "portable"), ("PORTABLE", "portable")] {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", name, "--test-threads=1"])
            .env("NDNET_SIMD", value)
            .env("NDNET_SIMD_EXPECTED", expected)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "NDNET_SIMD={value:?}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
