//! The implementations of the sealed [`Kernels`] trait (a supertrait of [`crate::Float`],
//! defined beside it with its [`Token`]) for `f32` and `f64`: the SIMD kernels of
//! `linalg::x86` when this CPU has them (the AVX-512 broadcast and dot kernels before the AVX2 ones)
//! and `NDNET_SIMD` allows them (see [`simd`]).

use std::sync::OnceLock;

use crate::base::float::{BlockFn, Kernels, LogisticPassFn, Token};

/// The kinds of kernels, in the order `NDNET_SIMD` caps them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Simd {
    Portable,
    Avx2,
    Avx512,
}

/// The best kind of kernel `NDNET_SIMD` allows: its value parsed (case and surrounding spaces
/// ignored). No value (or an empty one) allows every kind; a value that is not `avx512`, `avx2`
/// or `portable` (a typo, text that is not UTF-8) caps at `portable`, the one kind every CPU
/// runs: a cap is set to bound the kernels, so a mistyped one is read as the tightest, and
/// [`simd`] shows it.
fn parse_cap(value: Option<&std::ffi::OsStr>) -> Simd {
    let Some(value) = value else { return Simd::Avx512 };
    match value.to_str().map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        Some("" | "avx512") => Simd::Avx512,
        Some("avx2") => Simd::Avx2,
        _ => Simd::Portable,
    }
}

/// [`parse_cap`] of this process's `NDNET_SIMD`, read once.
fn cap() -> Simd {
    static CAP: OnceLock<Simd> = OnceLock::new();
    *CAP.get_or_init(|| parse_cap(std::env::var_os("NDNET_SIMD").as_deref()))
}

/// Which SIMD kernels ndnet's matrix products use in this process: `"avx512"`, `"avx2"` or
/// `"portable"` (ndarray's product, on any CPU).
///
/// It is the best kind this CPU runs (AVX-512F, else AVX2 with FMA, detected at run time)
/// unless the environment variable `NDNET_SIMD`, read once, caps it at `avx2` or `portable`
/// (`avx512` or an empty value cap nothing). Any other value is not ignored: it caps at
/// `portable`, which this function then returns, so a mistyped cap never lets faster kernels
/// (and other bits) through unseen.
/// Results are the same bits from run to run and whatever the number of threads, but each
/// kind of kernel rounds in its own order: capping a fleet of mixed machines at `avx2`
/// gives all of them (the ones with AVX2) the same bits, and capping one machine shows how
/// an older CPU's kernels perform.
///
/// ```
/// let kind = ndnet::linalg::simd();
/// assert!(["avx512", "avx2", "portable"].contains(&kind));
/// ```
pub fn simd() -> &'static str {
    match imp::best() {
        Simd::Avx512 => "avx512",
        Simd::Avx2 => "avx2",
        Simd::Portable => "portable",
    }
}

#[cfg(target_arch = "x86_64")]
mod imp {
    use super::{BlockFn, Kernels, LogisticPassFn, Simd, Token, cap};
    use crate::linalg::x86::{f32x8, f32x16, f64x4, f64x8};

    /// The best kind of kernel this CPU runs and `NDNET_SIMD` allows (the f32 and f64 modules
    /// of a kind need the same features).
    pub(super) fn best() -> Simd {
        let cap = cap();
        if cap >= Simd::Avx512 && f32x16::available() && f64x8::available() {
            Simd::Avx512
        } else if cap >= Simd::Avx2 && f32x8::available() && f64x4::available() {
            Simd::Avx2
        } else {
            Simd::Portable
        }
    }

    impl Kernels for f64 {
        fn broadcast(_: Token) -> Option<(BlockFn<Self>, usize)> {
            match best() {
                Simd::Avx512 => Some((f64x8::broadcast, f64x8::NR)),
                Simd::Avx2 => Some((f64x4::broadcast, f64x4::NR)),
                Simd::Portable => None,
            }
        }
        fn dot(_: Token) -> Option<BlockFn<Self>> {
            match best() {
                Simd::Avx512 => Some(f64x8::dot),
                Simd::Avx2 => Some(f64x4::dot),
                Simd::Portable => None,
            }
        }
        fn logistic_pass(_: Token) -> Option<LogisticPassFn<Self>> {
            // AVX2 only: the AVX-512 CPUs run it too.
            (best() >= Simd::Avx2).then_some(f64x4::logistic_pass)
        }
    }

    impl Kernels for f32 {
        fn broadcast(_: Token) -> Option<(BlockFn<Self>, usize)> {
            match best() {
                Simd::Avx512 => Some((f32x16::broadcast, f32x16::NR)),
                Simd::Avx2 => Some((f32x8::broadcast, f32x8::NR)),
                Simd::Portable => None,
            }
        }
        fn dot(_: Token) -> Option<BlockFn<Self>> {
            match best() {
                Simd::Avx512 => Some(f32x16::dot),
                Simd::Avx2 => Some(f32x8::dot),
                Simd::Portable => None,
            }
        }
        fn logistic_pass(_: Token) -> Option<LogisticPassFn<Self>> {
            (best() >= Simd::Avx2).then_some(f32x8::logistic_pass)
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod imp {
    use super::{BlockFn, Kernels, LogisticPassFn, Simd, Token};

    pub(super) fn best() -> Simd {
        Simd::Portable
    }

    macro_rules! none {
        ($($t:ty),*) => {$(
            impl Kernels for $t {
                fn broadcast(_: Token) -> Option<(BlockFn<Self>, usize)> {
                    None
                }
                fn dot(_: Token) -> Option<BlockFn<Self>> {
                    None
                }
                fn logistic_pass(_: Token) -> Option<LogisticPassFn<Self>> {
                    None
                }
            }
        )*};
    }
    none!(f32, f64);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndnet_simd_values_cap_the_kernels() {
        let cap = |v: &str| parse_cap(Some(std::ffi::OsStr::new(v)));
        assert_eq!(parse_cap(None), Simd::Avx512);
        assert_eq!(cap(" AVX2 "), Simd::Avx2);
        assert_eq!(cap("portable"), Simd::Portable);
        assert_eq!(cap("avx512"), Simd::Avx512);
        assert_eq!(cap(""), Simd::Avx512);
        // A value that is none of them is read as the tightest cap, never as no cap.
        for mistyped in ["sse9", "avx-2", "avx 2", "AVX2,portable", "off"] {
            assert_eq!(cap(mistyped), Simd::Portable, "{mistyped}");
        }
    }

    /// Runs this test binary again with `NDNET_SIMD` set, for each cap, and checks in the
    /// child that [`simd`] and the kernels handed out follow it (the cap is read once per
    /// process, so only a new process can change it).
    #[test]
    fn ndnet_simd_caps_the_kernels_of_a_new_process() {
        let name = "linalg::kernel::tests::ndnet_simd_caps_the_kernels_of_a_new_process";
        if let Ok(expected) = std::env::var("NDNET_SIMD_EXPECTED") {
            assert_eq!(simd(), expected);
            let token = crate::linalg::TOKEN;
            assert_eq!(f32::broadcast(token).is_some(), expected != "portable");
            assert_eq!(f64::dot(token).is_some(), expected != "portable");
            if expected != "portable" {
                // The small product still right on the capped kernels.
                let a = ndarray::Array2::<f32>::from_shape_fn((13, 70), |(i, j)| (i * 70 + j) as f32 * 0.01);
                let b = ndarray::Array2::<f32>::from_shape_fn((70, 40), |(i, j)| (i + 2 * j) as f32 * 0.01);
                let mut c = ndarray::Array2::zeros((13, 40));
                crate::linalg::gemm(1.0, a.view(), b.view(), 0.0, c.view_mut()).expect("shapes fit");
                let naive = a.dot(&b);
                assert!(
                    c.iter()
                        .zip(&naive)
                        .all(|(x, y)| (x - y).abs() <= 1e-4 * y.abs().max(1.0))
                );
            }
            return;
        }
        // What this CPU runs, whatever this process's own NDNET_SIMD says.
        #[cfg(target_arch = "x86_64")]
        let unbounded = if is_x86_feature_detected!("avx512f") {
            "avx512"
        } else if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            "avx2"
        } else {
            "portable"
        };
        #[cfg(not(target_arch = "x86_64"))]
        let unbounded = "portable";
        for cap in ["portable", "avx2", "avx512", "avx-2"] {
            let expected = match (cap, unbounded) {
                ("portable" | "avx-2", _) | (_, "portable") => "portable",
                ("avx2", _) | (_, "avx2") => "avx2",
                _ => "avx512",
            };
            let out = std::process::Command::new(std::env::current_exe().expect("the test binary's path"))
                .args(["--exact", name, "--test-threads=1"])
                .env("NDNET_SIMD", cap)
                .env("NDNET_SIMD_EXPECTED", expected)
                .output()
                .expect("the test binary runs again");
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success() && stdout.contains("1 passed"),
                "NDNET_SIMD={cap}: {stdout}{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}
