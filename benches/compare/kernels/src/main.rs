//! ndnet's matrix products (`ndnet::linalg::gemm`) against the `gemm` and `matrixmultiply`
//! crates, on the products ndnet's training and inference actually run, with the layouts
//! ndnet hands them (see README.md).
//!
//! Usage: `kernels [FILTER] [--quick] [--threads 1,2] [--dtype f32|f64]`
//!
//! The parent process prints the machine, the versions and the table; it runs one child
//! process (itself, with `--child T`) per thread count, with `MATMUL_NUM_THREADS=T`, because
//! matrixmultiply reads that variable once per process.

use std::fmt::Write as _;
use std::hint::black_box;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ndnet::ndarray::{Array2, ArrayView2, ShapeBuilder};

/// How a matrix is stored.
#[derive(Clone, Copy, PartialEq)]
enum Layout {
    /// A standard (rows, cols) ndarray: rows contiguous.
    Row,
    /// A transposed view of a standard (cols, rows) array: columns contiguous.
    Col,
}

impl Layout {
    fn tag(self) -> &'static str {
        match self {
            Layout::Row => "r",
            Layout::Col => "c",
        }
    }
}

/// One product C (m×n, row-major) = α A (m×k) · B (k×n) + β C.
struct Case {
    group: &'static str,
    name: &'static str,
    m: usize,
    k: usize,
    n: usize,
    a: Layout,
    b: Layout,
    alpha: f64,
    beta: f64,
}

fn case(group: &'static str, name: &'static str, (m, k, n): (usize, usize, usize), a: Layout, b: Layout) -> Case {
    Case {
        group,
        name,
        m,
        k,
        n,
        a,
        b,
        alpha: 1.0,
        beta: 0.0,
    }
}

/// The products of one training step of a dense network with `layers` and `batch` examples,
/// as `Dense::forward` / `Dense::backward_from_dz` run them: Z = W·A (W row-major, A row-major
/// except X), dW = (1/m) dZ·Aᵀ (a transposed view), dA = Wᵀ·dZ (a transposed view of W; not
/// for the first layer). X is given in each layout of `x_layouts`.
fn network(group: &'static str, layers: &[usize], batch: usize, x_layouts: &[Layout], out: &mut Vec<Case>) {
    use Layout::{Col, Row};
    let names: &[[&'static str; 3]] = &[
        ["Z1 = W1·X", "dW1 = dZ1·Xᵀ", ""],
        ["Z2 = W2·A1", "dW2 = dZ2·A1ᵀ", "dA1 = W2ᵀ·dZ2"],
        ["Z3 = W3·A2", "dW3 = dZ3·A2ᵀ", "dA2 = W3ᵀ·dZ3"],
        ["Z4 = W4·A3", "dW4 = dZ4·A3ᵀ", "dA3 = W4ᵀ·dZ4"],
    ];
    for l in 1..layers.len() {
        let (units, prev) = (layers[l], layers[l - 1]);
        let [z, dw, da] = names[l - 1];
        let prev_layouts: &[Layout] = if l == 1 { x_layouts } else { &[Row] };
        for &x in prev_layouts {
            out.push(case(group, z, (units, prev, batch), Row, x));
        }
        for &x in prev_layouts {
            // A_prev stored with layout x; its transposed view has the other layout.
            let xt = if x == Row { Col } else { Row };
            let mut c = case(group, dw, (units, batch, prev), Row, xt);
            c.alpha = 1.0 / batch as f64;
            out.push(c);
        }
        if l > 1 {
            out.push(case(group, da, (prev, units, batch), Col, Row));
        }
    }
}

fn cases() -> Vec<Case> {
    use Layout::{Col, Row};
    let mut out = Vec::new();
    network("mnist", &[784, 128, 10], 200, &[Row, Col], &mut out);
    network("wide", &[784, 512, 256, 10], 64, &[Row, Col], &mut out);
    out.push(case("infer", "Z1 = W1·X", (128, 784, 10000), Row, Row));
    out.push(case("infer", "Z1 = W1·X", (128, 784, 10000), Row, Col));
    out.push(case("infer", "Z2 = W2·A1", (10, 128, 10000), Row, Row));
    out.push(case("one", "z1 = W1·x", (128, 784, 1), Row, Row));
    out.push(case("one", "z2 = W2·a1", (10, 128, 1), Row, Row));
    out.push(case("one", "z = W·x", (16, 30, 1), Row, Row));
    network("cat", &[12288, 20, 7, 5, 1], 209, &[Row, Col], &mut out);
    // The Gram form of batch gradient descent (`train::paths::gram`, on by default for cat):
    // G = XᵀX once, Z1 −= (α/m) dZ1·G every step, W1 −= (α/m) ΣdZ1·Xᵀ at the end.
    let step = -0.0075 / 209.0;
    for x in [Row, Col] {
        let xt = if x == Row { Col } else { Row };
        out.push(case("cat", "gram G = Xᵀ·X", (209, 12288, 209), xt, x));
    }
    let mut z = case("cat", "gram Z1 += s·dZ1·G", (20, 209, 209), Row, Row);
    (z.alpha, z.beta) = (step, 1.0);
    out.push(z);
    for x in [Row, Col] {
        let xt = if x == Row { Col } else { Row };
        let mut w = case("cat", "gram W1 += s·ΣdZ1·Xᵀ", (20, 209, 12288), Row, xt);
        (w.alpha, w.beta) = (step, 1.0);
        out.push(w);
    }
    out
}

/// f32 or f64 (ndnet's `Float`: `from_f64`, `as_f64`, `NAME`), with matrixmultiply's entry point.
trait Elem: ndnet::Float + 'static {
    /// The largest relative error accepted against ndarray's `.dot()`.
    const TOL: f64;
    /// matrixmultiply's sgemm / dgemm.
    ///
    /// # Safety
    /// As `matrixmultiply::sgemm`: pointers and strides describe valid m×k, k×n, m×n matrices.
    #[allow(clippy::too_many_arguments)]
    unsafe fn mm(
        m: usize,
        k: usize,
        n: usize,
        alpha: Self,
        a: (*const Self, isize, isize),
        b: (*const Self, isize, isize),
        beta: Self,
        c: (*mut Self, isize, isize),
    );
}

impl Elem for f32 {
    const TOL: f64 = 1e-4;
    unsafe fn mm(
        m: usize,
        k: usize,
        n: usize,
        alpha: f32,
        a: (*const f32, isize, isize),
        b: (*const f32, isize, isize),
        beta: f32,
        c: (*mut f32, isize, isize),
    ) {
        unsafe { matrixmultiply::sgemm(m, k, n, alpha, a.0, a.1, a.2, b.0, b.1, b.2, beta, c.0, c.1, c.2) }
    }
}

impl Elem for f64 {
    const TOL: f64 = 1e-11;
    unsafe fn mm(
        m: usize,
        k: usize,
        n: usize,
        alpha: f64,
        a: (*const f64, isize, isize),
        b: (*const f64, isize, isize),
        beta: f64,
        c: (*mut f64, isize, isize),
    ) {
        unsafe { matrixmultiply::dgemm(m, k, n, alpha, a.0, a.1, a.2, b.0, b.1, b.2, beta, c.0, c.1, c.2) }
    }
}

/// A (rows × cols) matrix of the given layout, filled with a fixed pseudo-random sequence in
/// [−1, 1) (no zeros, no subnormals).
fn matrix<F: Elem>(rows: usize, cols: usize, layout: Layout, seed: u64) -> Array2<F> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let shape = (rows, cols).set_f(layout == Layout::Col);
    Array2::from_shape_fn(shape, |_| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        F::from_f64((state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0)
    })
}

fn strides<F>(v: &ArrayView2<F>) -> (isize, isize) {
    (v.strides()[0], v.strides()[1])
}

/// Which library computes the product.
#[derive(Clone, Copy)]
enum Lib {
    Ndnet,
    Gemm,
    Mm,
}

fn run<F: Elem>(lib: Lib, threads: usize, alpha: F, a: ArrayView2<F>, b: ArrayView2<F>, beta: F, c: &mut Array2<F>) {
    let ((m, k), n) = (a.dim(), b.ncols());
    match lib {
        Lib::Ndnet => ndnet::linalg::gemm(alpha, a, b, beta, c.view_mut()).expect("shapes fit"),
        Lib::Gemm => {
            let par = if threads > 1 {
                gemm::Parallelism::Rayon(threads)
            } else {
                gemm::Parallelism::None
            };
            let (a_rs, a_cs) = strides(&a);
            let (b_rs, b_cs) = strides(&b);
            let (c_rs, c_cs) = (c.strides()[0], c.strides()[1]);
            // gemm's convention: dst := alpha·dst + beta·lhs·rhs (dst read only if read_dst).
            unsafe {
                gemm::gemm(
                    m,
                    n,
                    k,
                    c.as_mut_ptr(),
                    c_cs,
                    c_rs,
                    beta != F::zero(),
                    a.as_ptr(),
                    a_cs,
                    a_rs,
                    b.as_ptr(),
                    b_cs,
                    b_rs,
                    beta,
                    alpha,
                    false,
                    false,
                    false,
                    par,
                )
            }
        }
        Lib::Mm => {
            let (a_rs, a_cs) = strides(&a);
            let (b_rs, b_cs) = strides(&b);
            let (c_rs, c_cs) = (c.strides()[0], c.strides()[1]);
            unsafe {
                F::mm(
                    m,
                    k,
                    n,
                    alpha,
                    (a.as_ptr(), a_rs, a_cs),
                    (b.as_ptr(), b_rs, b_cs),
                    beta,
                    (c.as_mut_ptr(), c_rs, c_cs),
                )
            }
        }
    }
}

/// Timing budget: warm-up, then samples until `target` is spent (at least `MIN_SAMPLES`).
struct Budget {
    warm: Duration,
    target: Duration,
}

const MIN_SAMPLES: usize = 5;
/// Calls are timed in batches of at least this long, so that the clock's cost stays small.
const MIN_BATCH: Duration = Duration::from_micros(20);

/// The median time of one call of `f`, in µs.
fn time(budget: &Budget, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut calls = 0u32;
    while calls < 2 || start.elapsed() < budget.warm {
        f();
        calls += 1;
    }
    let estimate = start.elapsed().as_secs_f64() / calls as f64;
    let batch = (MIN_BATCH.as_secs_f64() / estimate).ceil().max(1.0) as usize;
    let samples =
        ((budget.target.as_secs_f64() / (estimate * batch as f64)).ceil() as usize).clamp(MIN_SAMPLES, 100_000);
    let mut times: Vec<f64> = (0..samples)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..batch {
                f();
            }
            t.elapsed().as_secs_f64() / batch as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[samples / 2] * 1e6
}

/// Max |c − r| / max |r| (infinite if an element of c is NaN or infinite).
fn rel_err<F: Elem>(c: &Array2<F>, r: &Array2<F>) -> f64 {
    let scale = r.iter().fold(0.0f64, |s, &x| s.max(x.as_f64().abs()));
    let err = c.iter().zip(r).fold(0.0f64, |e, (&x, &y)| {
        let d = (x.as_f64() - y.as_f64()).abs();
        if d.is_finite() { e.max(d) } else { f64::INFINITY }
    });
    if scale > 0.0 { err / scale } else { err }
}

/// One table row (without the sort key) for `case` in dtype F on `threads` threads.
fn measure<F: Elem>(case: &Case, threads: usize, budget: &Budget, mm_threaded: bool) -> String {
    let Case { m, k, n, .. } = *case;
    let a_store = matrix::<F>(m, k, case.a, 1);
    let b_store = matrix::<F>(k, n, case.b, 2);
    let (a, b) = (a_store.view(), b_store.view());
    let c0 = matrix::<F>(m, n, Layout::Row, 3);
    let (alpha, beta) = (F::from_f64(case.alpha), F::from_f64(case.beta));
    let reference = a.dot(&b) * alpha + &c0 * beta;
    ndnet::linalg::set_num_threads(threads);
    let mut results = Vec::new();
    let mut worst = 0.0f64;
    for lib in [Lib::Ndnet, Lib::Gemm, Lib::Mm] {
        // Check first, from C0 (β ≠ 0 reads it); timing then keeps accumulating into C.
        let mut c = c0.clone();
        if beta == F::zero() {
            c.fill(F::nan());
        }
        run(lib, threads, alpha, a, b, beta, &mut c);
        let err = rel_err(&c, &reference);
        assert!(
            err <= F::TOL,
            "{} {} {}: {:?} differs from .dot() by {err:e}",
            case.group,
            case.name,
            F::NAME,
            ["ndnet", "gemm", "matrixmultiply"][lib as usize]
        );
        worst = worst.max(err);
        let mut c = c0.clone();
        results.push(time(budget, || {
            run(lib, threads, alpha, black_box(a), black_box(b), beta, &mut c);
            black_box(&mut c);
        }));
        // Let ndnet's spinning workers (2 ms) and rayon's go idle before the next library.
        std::thread::sleep(Duration::from_millis(10));
    }
    let [nd, ge, mm] = [results[0], results[1], results[2]];
    let (best, who) = if ge <= mm { (ge, "gemm") } else { (mm, "mm") };
    let star = if threads > 1 && !mm_threaded { "*" } else { "" };
    let layout = format!(
        "{}·{}{}",
        case.a.tag(),
        case.b.tag(),
        if case.beta != 0.0 { " β=1" } else { "" }
    );
    format!(
        "| {} {} | {m}×{k}·{k}×{n} | {layout} | {} | {threads} | {} | {} | {}{star} | {:.2} {who} | {worst:.1e} |",
        case.group,
        case.name,
        F::NAME,
        fmt_us(nd),
        fmt_us(ge),
        fmt_us(mm),
        best / nd,
    )
}

fn fmt_us(us: f64) -> String {
    if us < 10.0 {
        format!("{us:.2}")
    } else if us < 1000.0 {
        format!("{us:.1}")
    } else {
        format!("{us:.0}")
    }
}

struct Args {
    filter: Option<String>,
    quick: bool,
    threads: Vec<usize>,
    dtypes: Vec<String>,
    child: Option<usize>,
    allocations: bool,
}

fn parse_args() -> Args {
    let mut args = Args {
        filter: None,
        quick: false,
        threads: vec![1, 2],
        dtypes: vec!["f32".into(), "f64".into()],
        child: None,
        allocations: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().unwrap_or_else(|| usage(&format!("{name} needs a value")));
        match arg.as_str() {
            "--quick" => args.quick = true,
            "--allocations" => args.allocations = true,
            "--threads" => {
                args.threads = value("--threads")
                    .split(',')
                    .map(|t| {
                        t.trim()
                            .parse()
                            .ok()
                            .filter(|&t| t > 0)
                            .unwrap_or_else(|| usage("bad --threads"))
                    })
                    .collect()
            }
            "--dtype" => args.dtypes = value("--dtype").split(',').map(str::to_owned).collect(),
            "--child" => args.child = Some(value("--child").parse().unwrap_or_else(|_| usage("bad --child"))),
            "-h" | "--help" => usage(""),
            s if s.starts_with('-') => usage(&format!("unknown option {s}")),
            s => args.filter = Some(s.to_owned()),
        }
    }
    if args.dtypes.iter().any(|d| d != "f32" && d != "f64") {
        usage("--dtype is f32, f64 or f32,f64");
    }
    args
}

fn usage(msg: &str) -> ! {
    if !msg.is_empty() {
        eprintln!("kernels: {msg}");
    }
    eprintln!(
        "usage: kernels [FILTER] [--quick] [--threads 1,2] [--dtype f32,f64] | kernels --allocations\n\
         FILTER keeps the products whose \"group name\" contains it: mnist, wide, infer, one, cat, dW, gram, …"
    );
    std::process::exit(if msg.is_empty() { 0 } else { 2 })
}

fn selected(args: &Args) -> Vec<(usize, Case)> {
    cases()
        .into_iter()
        .enumerate()
        .filter(|(_, c)| {
            args.filter
                .as_deref()
                .is_none_or(|f| format!("{} {}", c.group, c.name).contains(f))
        })
        .collect()
}

const MM_THREADED: bool = cfg!(feature = "mm-threading");

/// A child: measures every selected case on `threads` threads, one sortable line per row.
fn child(args: &Args, threads: usize) {
    let budget = if args.quick {
        Budget {
            warm: Duration::from_millis(10),
            target: Duration::from_millis(40),
        }
    } else {
        Budget {
            warm: Duration::from_millis(50),
            target: Duration::from_millis(200),
        }
    };
    for (i, case) in selected(args) {
        for (d, dtype) in ["f32", "f64"].iter().enumerate() {
            if !args.dtypes.iter().any(|x| x == dtype) {
                continue;
            }
            let row = if d == 0 {
                measure::<f32>(&case, threads, &budget, MM_THREADED)
            } else {
                measure::<f64>(&case, threads, &budget, MM_THREADED)
            };
            eprintln!("{row}");
            println!("{i:04} {d} {threads:03}\t{row}");
        }
    }
}

fn cpu_info() -> (String, Vec<&'static str>) {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = info
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|r| r.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let flags: Vec<&str> = info
        .lines()
        .find_map(|l| l.strip_prefix("flags"))
        .map(|r| r.trim_start_matches([' ', '\t', ':']).split_whitespace().collect())
        .unwrap_or_default();
    let present = ["avx2", "fma", "avx512f"]
        .into_iter()
        .map(|f| if flags.contains(&f) { f } else { "" })
        .filter(|f| !f.is_empty())
        .collect();
    (model, present)
}

/// `name version` of the packages that matter, from this crate's Cargo.lock.
fn versions() -> String {
    const LOCK: &str = include_str!("../Cargo.lock");
    let wanted = [
        "ndnet",
        "ndarray",
        "gemm",
        "gemm-common",
        "matrixmultiply",
        "rayon",
        "pulp",
    ];
    let mut out = Vec::new();
    for block in LOCK.split("[[package]]") {
        let field = |key: &str| {
            block
                .lines()
                .find_map(|l| l.strip_prefix(key).map(|v| v.trim().trim_matches('"').to_owned()))
        };
        if let (Some(name), Some(version)) = (field("name = "), field("version = "))
            && wanted.contains(&name.as_str())
        {
            out.push(format!("{name} {version}"));
        }
    }
    out.join(", ")
}

/// Counts every allocation of the process (for `--allocations`).
struct Counting;

static ALLOCATIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged.
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// `--allocations`: heap allocations per call of each library on the mnist network's largest
/// products (f32, after 5 warm-up calls, counted over 20), on 1 and 2 threads.
fn allocations() {
    println!("| product | layout | threads | ndnet | gemm | matrixmultiply |");
    println!("|---|---|--:|--:|--:|--:|");
    let shapes = [
        ("mnist Z1 = W1·X", (128, 784, 200), Layout::Row, Layout::Col),
        ("mnist dW1 = dZ1·Xᵀ", (128, 200, 784), Layout::Row, Layout::Row),
    ];
    for (name, (m, k, n), la, lb) in shapes {
        let a = matrix::<f32>(m, k, la, 1);
        let b = matrix::<f32>(k, n, lb, 2);
        for threads in [1, 2] {
            ndnet::linalg::set_num_threads(threads);
            let mut counts = Vec::new();
            for lib in [Lib::Ndnet, Lib::Gemm, Lib::Mm] {
                let mut c = Array2::<f32>::zeros((m, n));
                for _ in 0..5 {
                    run(lib, threads, 1.0, a.view(), b.view(), 0.0, &mut c);
                }
                let before = ALLOCATIONS.load(std::sync::atomic::Ordering::Relaxed);
                for _ in 0..20 {
                    run(lib, threads, 1.0, a.view(), b.view(), 0.0, &mut c);
                }
                let after = ALLOCATIONS.load(std::sync::atomic::Ordering::Relaxed);
                counts.push(format!("{}", (after - before) as f64 / 20.0));
            }
            println!(
                "| {name} | {}·{} | {threads} | {} |",
                la.tag(),
                lb.tag(),
                counts.join(" | ")
            );
        }
    }
    ndnet::linalg::set_num_threads(0);
}

fn main() {
    let args = parse_args();
    if args.allocations {
        return allocations();
    }
    if let Some(threads) = args.child {
        return child(&args, threads);
    }
    if selected(&args).is_empty() {
        usage("the filter keeps no product");
    }
    let (model, flags) = cpu_info();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut head = String::new();
    let _ = writeln!(
        head,
        "CPU: {model} ({cores} logical cores); flags: {}",
        flags.join(", ")
    );
    let _ = writeln!(
        head,
        "avx512f: {}; ndnet's kernels: {}",
        if flags.contains(&"avx512f") { "yes" } else { "no" },
        ndnet::linalg::simd()
    );
    let _ = writeln!(head, "versions (Cargo.lock): {}", versions());
    let _ = writeln!(
        head,
        "features: matrixmultiply threading {}, avx512 {}; gemm x86-v4 (AVX-512) {}; ndnet its own kernels (AVX-512F if present, else AVX2+FMA)",
        on(MM_THREADED),
        on(cfg!(feature = "mm-avx512")),
        on(cfg!(feature = "gemm-avx512")),
    );
    let _ = writeln!(
        head,
        "mode: {}; threads {:?}; filter {:?}",
        if args.quick {
            "--quick"
        } else {
            "full (median, ≥ 0.2 s per cell)"
        },
        args.threads,
        args.filter.as_deref().unwrap_or("(all)")
    );
    print!("{head}");
    let exe = std::env::current_exe().expect("own path");
    let mut rows = Vec::new();
    for &t in &args.threads {
        let mut cmd = Command::new(&exe);
        cmd.arg("--child")
            .arg(t.to_string())
            .env("MATMUL_NUM_THREADS", t.to_string());
        cmd.arg("--threads").arg(t.to_string());
        cmd.arg("--dtype").arg(args.dtypes.join(","));
        if args.quick {
            cmd.arg("--quick");
        }
        if let Some(f) = &args.filter {
            cmd.arg(f);
        }
        cmd.stderr(Stdio::inherit());
        let out = cmd.output().expect("run the measuring child");
        if !out.status.success() {
            eprintln!("kernels: the child for {t} thread(s) failed");
            std::process::exit(1);
        }
        rows.extend(String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned));
    }
    rows.sort();
    println!();
    println!("| product | M×K·K×N | layout | dtype | thr | ndnet µs | gemm µs | mm µs | best/ndnet | max rel err |");
    println!("|---|---|---|---|---|--:|--:|--:|--:|--:|");
    for row in rows {
        println!("{}", row.split_once('\t').map_or(row.as_str(), |(_, r)| r));
    }
    println!();
    println!(
        "layout: A·B, r = row-major (standard ndarray), c = column-major (a transposed view of a \
         row-major array); C row-major. β=1: C = αA·B + C. best/ndnet = min(gemm, mm) / ndnet \
         (< 1: the other library is faster). max rel err = max |C − C.dot| / max |C.dot| over the \
         three libraries."
    );
    if !MM_THREADED && args.threads.iter().any(|&t| t > 1) {
        println!("*: matrixmultiply built without its `threading` feature: one thread.");
    }
}

fn on(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}
