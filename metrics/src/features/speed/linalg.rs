//! The small dense linear algebra of SpEED's `est_params` (libvmaf `speed.c`), in f32 with
//! libvmaf's exact operation order:
//!
//! * eigenvalues of the symmetric 25×25 covariance: Householder tridiagonalisation (adapted
//!   `gsl_linalg_symmtd_decomp`) then implicit symmetric QR steps with Wilkinson shifts (adapted
//!   `gsl_eigen_symm`), eps 1e-6, at most 500 steps;
//! * the solve `K X = Y`: Householder QR with explicit n×n reflector products, `X = R⁻¹ Qᵀ Y`
//!   by back substitution, failing on a diagonal of `R` below 1e-6.
//!
//! Matrices are row-major slices; `n` is the order. Mixed f32/f64 steps of the C code (an f64
//! `sqrt`, a `0.5` or `1e-6` literal) are kept where they are.

/// `EIGENVALUE_EPS`.
pub(crate) const EPS: f64 = 1e-6;
/// `EIGENVALUE_MAX_ITERS`.
const MAX_ITERS: usize = 500;

/// C's `sqrt` on a float argument, result stored in f32.
#[inline]
fn sqrt_f(x: f32) -> f32 {
    (x as f64).sqrt() as f32
}

/// `get_sign`: +1 for x ≥ 0 (and NaN → -1, as in C), else -1.
#[inline]
fn sign(x: f32) -> f32 {
    if x >= 0.0 {
        1.0
    } else {
        -1.0
    }
}

/// `pythagoras`: `sqrt(x² + y²)` with the sum in f32.
#[inline]
fn pythagoras(x: f32, y: f32) -> f32 {
    sqrt_f(x * x + y * y)
}

/// Scratch for [`eigenvalues`] and [`solve`] at order `n` with `cols` right-hand sides.
#[derive(Debug, Clone)]
pub(crate) struct Scratch {
    n: usize,
    #[cfg(target_arch = "x86_64")]
    avx2: Option<super::avx2::Avx2>,
    a: Vec<f32>,
    q: Vec<f32>,
    r: Vec<f32>,
    tmp_q: Vec<f32>,
    tmp_z: Vec<f32>,
    rect: Vec<f32>,
    vec: Vec<f32>,
    d: Vec<f32>,
    sd: Vec<f32>,
    v: Vec<f32>,
    x: Vec<f32>,
}

impl Scratch {
    /// [`Self::new`], running `matrix_mul` with AVX2 when `avx2` is set.
    #[cfg(target_arch = "x86_64")]
    pub(crate) fn with_avx2(n: usize, cols: usize, avx2: Option<super::avx2::Avx2>) -> Self {
        Scratch {
            avx2,
            ..Self::new(n, cols)
        }
    }

    /// Buffers for order `n` and `cols` right-hand-side columns.
    pub(crate) fn new(n: usize, cols: usize) -> Self {
        Scratch {
            n,
            #[cfg(target_arch = "x86_64")]
            avx2: None,
            a: vec![0.0; n * n],
            q: vec![0.0; n * n],
            r: vec![0.0; n * n],
            tmp_q: vec![0.0; n * n],
            tmp_z: vec![0.0; n * n],
            rect: vec![0.0; n * cols],
            vec: vec![0.0; n],
            d: vec![0.0; n],
            sd: vec![0.0; n],
            v: vec![0.0; n],
            x: vec![0.0; n],
        }
    }
}

/// `compute_householder_transform`: reflector annihilating `A[start+1.., col]`; scales that
/// column part in place, stores beta on the pivot and returns tau.
fn householder(a: &mut [f32], n: usize, col: usize, start: usize) -> f32 {
    if n - start == 1 {
        return 0.0;
    }
    let mut norm = 0.0f32;
    for i in start + 1..n {
        norm += a[i * n + col] * a[i * n + col];
    }
    let xnorm = sqrt_f(norm);
    if xnorm == 0.0 {
        return 0.0;
    }
    let alpha = a[start * n + col];
    let beta = -sign(alpha) * pythagoras(alpha, xnorm);
    let tau = (beta - alpha) / beta;
    let s = alpha - beta;
    if s != 0.0 {
        for i in start..n {
            a[i * n + col] /= s;
        }
        a[start * n + col] = beta;
    }
    tau
}

/// `convert_to_tridiagonal`: reduces the symmetric `a` (destroyed) and writes the diagonal
/// `d` and subdiagonal `sd`.
fn tridiagonalise(
    a: &mut [f32],
    n: usize,
    d: &mut [f32],
    sd: &mut [f32],
    v: &mut [f32],
    x: &mut [f32],
) {
    for i in 0..n.saturating_sub(2) {
        let tau = householder(a, n, i, i + 1);
        for j in i + 1..n {
            v[j] = a[j * n + i];
        }
        if tau != 0.0 {
            a[(i + 1) * n + i] = v[i + 1];
            v[i + 1] = 1.0;
            let s = i + 1;
            // x = tau * A * v
            for r in s..n {
                x[r] = 0.0;
                for c in s..n {
                    x[r] += tau * a[r * n + c] * v[c];
                }
            }
            // x += alpha * v with alpha = -0.5 * tau * (x . v), the product in f64
            let mut xv = 0.0f32;
            for r in s..n {
                xv += x[r] * v[r];
            }
            let alpha = (-0.5 * tau as f64 * xv as f64) as f32;
            for r in s..n {
                x[r] += alpha * v[r];
            }
            // A -= x v' + v x'
            for r in s..n {
                for c in s..n {
                    a[r * n + c] -= x[r] * v[c] + v[r] * x[c];
                }
            }
        }
    }
    for i in 0..n {
        d[i] = a[i * n + i];
    }
    for i in 0..n - 1 {
        sd[i] = a[(i + 1) * n + i];
    }
}

/// `chop_small_elements`: zero subdiagonal entries below eps · (|d_i| + |d_i+1|) (f64 test).
fn chop_small(d: &[f32], sd: &mut [f32], n: usize) {
    for i in 0..n - 1 {
        if (sd[i].abs() as f64) < EPS * ((d[i].abs() + d[i + 1].abs()) as f64) {
            sd[i] = 0.0;
        }
    }
}

/// `trailing_eigenvalue`: Wilkinson shift from the trailing 2×2 block.
fn trailing_eigenvalue(d: &[f32], sd: &[f32], n: usize) -> f32 {
    let ta = d[n - 2];
    let tb = d[n - 1];
    let tab = sd[n - 2];
    let dt = ((ta - tb) as f64 / 2.0) as f32;
    if dt > 0.0 {
        tb - tab * (tab / (dt + pythagoras(dt, tab)))
    } else if dt == 0.0 {
        tb - tab.abs()
    } else {
        tb + tab * (tab / (-dt + pythagoras(dt, tab)))
    }
}

/// `create_givens`: (c, s) with the reciprocal square root in f64.
fn givens(a: f32, b: f32) -> (f32, f32) {
    if b == 0.0 {
        (1.0, 0.0)
    } else if b.abs() > a.abs() {
        let t = -a / b;
        let s1 = (1.0 / ((1.0 + t * t) as f64).sqrt()) as f32;
        (s1 * t, s1)
    } else {
        let t = -b / a;
        let c1 = (1.0 / ((1.0 + t * t) as f64).sqrt()) as f32;
        (c1, c1 * t)
    }
}

/// `qr_step`: one implicit symmetric QR step on the unreduced block (d, sd) of order n ≥ 2.
fn qr_step(d: &mut [f32], sd: &mut [f32], n: usize) {
    let mut mu = trailing_eigenvalue(d, sd, n);
    if EPS * (mu.abs() as f64) > (d[0].abs() + sd[0].abs()) as f64 {
        mu = 0.0;
    }
    let mut x = d[0] - mu;
    let mut z = sd[0];
    let mut bk = 0.0f32;
    let mut zk = 0.0f32;
    let mut ap = d[0];
    let mut bp = sd[0];
    let mut aq = d[1];

    if n == 2 {
        let (c, s) = givens(x, z);
        let ap1 = c * (c * ap - s * bp) + s * (s * aq - c * bp);
        let bp1 = c * (s * ap + c * bp) - s * (s * bp + c * aq);
        let aq1 = s * (s * ap + c * bp) + c * (s * bp + c * aq);
        d[0] = ap1;
        sd[0] = bp1;
        d[1] = aq1;
        return;
    }

    let mut bq = sd[1];
    for k in 0..n - 1 {
        let (c, s) = givens(x, z);
        let bk1 = c * bk - s * zk;
        let ap1 = c * (c * ap - s * bp) + s * (s * aq - c * bp);
        let bp1 = c * (s * ap + c * bp) - s * (s * bp + c * aq);
        let zp1 = -s * bq;
        let aq1 = s * (s * ap + c * bp) + c * (s * bp + c * aq);
        let bq1 = c * bq;

        let ak = ap1;
        bk = bp1;
        zk = zp1;
        ap = aq1;
        bp = bq1;

        if k < n - 2 {
            aq = d[k + 2];
        }
        if k + 3 < n {
            bq = sd[k + 2];
        }
        d[k] = ak;
        if k > 0 {
            sd[k - 1] = bk1;
        }
        if k < n - 2 {
            sd[k + 1] = bp;
        }
        x = bk;
        z = zk;
    }
    d[n - 1] = ap;
    sd[n - 2] = bk;
}

/// `compute_eigenvalues_tridiagonal`: deflating QR iteration; returns false when the
/// 500-step cap was reached (libvmaf warns "max iterations reached").
fn tridiagonal_eigenvalues(d: &mut [f32], sd: &mut [f32], n: usize) -> bool {
    chop_small(d, sd, n);
    let mut b = n - 1;
    let mut iter = 0;
    while b > 0 && iter < MAX_ITERS {
        if sd[b - 1] == 0.0 {
            b -= 1;
            continue;
        }
        let mut a = b - 1;
        while a > 0 {
            if sd[a - 1] == 0.0 {
                break;
            }
            a -= 1;
        }
        let nb = b - a + 1;
        qr_step(&mut d[a..], &mut sd[a..], nb);
        chop_small(&d[a..], &mut sd[a..], nb);
        iter += 1;
    }
    iter != MAX_ITERS
}

/// `compute_eigenvalues`: eigenvalues of the symmetric n×n `k` (unsorted, in the order the QR
/// iteration leaves them). Returns false when the iteration cap was hit.
pub(crate) fn eigenvalues(k: &[f32], eig: &mut [f32], s: &mut Scratch) -> bool {
    let n = s.n;
    s.a.copy_from_slice(&k[..n * n]);
    if n == 1 {
        eig[0] = s.a[0];
        return true;
    }
    tridiagonalise(&mut s.a, n, &mut s.d, &mut s.sd, &mut s.v, &mut s.x);
    let converged = tridiagonal_eigenvalues(&mut s.d, &mut s.sd, n);
    eig[..n].copy_from_slice(&s.d);
    converged
}

/// [`matmul`] at the scratch's level.
#[inline]
fn mm(
    #[cfg(target_arch = "x86_64")] avx2: Option<super::avx2::Avx2>,
    dst: &mut [f32],
    x: &[f32],
    y: &[f32],
    rows: usize,
    inner: usize,
    cols: usize,
) {
    #[cfg(target_arch = "x86_64")]
    if let Some(t) = avx2 {
        return t.matmul(dst, x, y, rows, inner, cols);
    }
    matmul(dst, x, y, rows, inner, cols)
}

/// `matrix_mul`: `dst (rows×cols) = x (rows×inner) · y (inner×cols)`, accumulated in f32 in
/// (i, k, j) order from zero.
fn matmul(dst: &mut [f32], x: &[f32], y: &[f32], rows: usize, inner: usize, cols: usize) {
    dst[..rows * cols].fill(0.0);
    for i in 0..rows {
        for k in 0..inner {
            let xik = x[i * inner + k];
            let yrow = &y[k * cols..(k + 1) * cols];
            let drow = &mut dst[i * cols..(i + 1) * cols];
            for (dv, &yv) in drow.iter_mut().zip(yrow) {
                *dv += xik * yv;
            }
        }
    }
}

/// `matrix_transpose` (square, in place).
fn transpose(m: &mut [f32], n: usize) {
    for i in 0..n {
        for j in 0..i {
            m.swap(i * n + j, j * n + i);
        }
    }
}

/// `vector_norm`: f32 sum of squares, f64 sqrt.
fn vector_norm(x: &[f32]) -> f32 {
    let mut sum = 0.0f32;
    for &v in x {
        sum += v * v;
    }
    sqrt_f(sum)
}

/// `matrix_qr_decomposition` of `s.a` into `s.q` (orthogonal) and `s.r` (upper triangular),
/// with libvmaf's quirk of taking the reflector sign from the *original* `A[k][k]`.
fn qr_decompose(s: &mut Scratch) {
    let n = s.n;
    s.tmp_z.copy_from_slice(&s.a);
    for i in 0..n {
        for j in 0..n {
            s.q[i * n + j] = if i == j { 1.0 } else { 0.0 };
        }
    }
    for k in 0..n - 1 {
        // matrix_minor: identity on the first k rows and columns
        for i in 0..n {
            for j in 0..n {
                if i < k || j < k {
                    s.tmp_z[i * n + j] = if i == j { 1.0 } else { 0.0 };
                }
            }
        }
        for i in 0..n {
            s.vec[i] = s.tmp_z[i * n + k];
        }
        let norm = vector_norm(&s.vec);
        let sgn = sign(s.a[k * n + k]);
        s.vec[k] += sgn * norm;
        let vn = vector_norm(&s.vec);
        for v in s.vec.iter_mut() {
            *v /= vn;
        }
        // tmp_q = I - 2 v v'
        for i in 0..n {
            for j in 0..n {
                s.tmp_q[i * n + j] = -2.0 * s.vec[i] * s.vec[j];
            }
        }
        for i in 0..n {
            s.tmp_q[i * n + i] += 1.0;
        }
        mm(
            #[cfg(target_arch = "x86_64")]
            s.avx2,
            &mut s.r,
            &s.tmp_q,
            &s.tmp_z,
            n,
            n,
            n,
        );
        s.tmp_z.copy_from_slice(&s.r);
        mm(
            #[cfg(target_arch = "x86_64")]
            s.avx2,
            &mut s.r,
            &s.tmp_q,
            &s.q,
            n,
            n,
            n,
        );
        s.q.copy_from_slice(&s.r);
    }
    mm(
        #[cfg(target_arch = "x86_64")]
        s.avx2,
        &mut s.r,
        &s.q,
        &s.a,
        n,
        n,
        n,
    );
    transpose(&mut s.q, n);
}

/// `solve_linear_system`: solves `K X = B` (K n×n, B n×cols) into `x`. Returns false when a
/// diagonal entry of R is below eps in magnitude (then `x` is partially written, as in C).
pub(crate) fn solve(k: &[f32], b: &[f32], cols: usize, x: &mut [f32], s: &mut Scratch) -> bool {
    let n = s.n;
    s.a.copy_from_slice(&k[..n * n]);
    qr_decompose(s);
    transpose(&mut s.q, n);
    mm(
        #[cfg(target_arch = "x86_64")]
        s.avx2,
        &mut s.rect,
        &s.q,
        b,
        n,
        n,
        cols,
    );
    // back substitution R X = Qᵀ B
    for i in (0..n).rev() {
        let den = s.r[i * n + i];
        if (den.abs() as f64) < EPS {
            return false;
        }
        for j in 0..cols {
            let mut t = s.rect[i * cols + j];
            for kk in i + 1..n {
                t -= x[kk * cols + j] * s.r[i * n + kk];
            }
            x[i * cols + j] = t / den;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spd(n: usize) -> Vec<f32> {
        // B Bᵀ + n I for a fixed pseudo-random B: symmetric positive definite.
        let b: Vec<f32> = (0..n * n)
            .map(|k| (((k * 37 + 11) % 23) as f32 - 11.0) / 7.0)
            .collect();
        let mut m = vec![0.0f32; n * n];
        for i in 0..n {
            for j in 0..n {
                let mut acc = 0.0f32;
                for t in 0..n {
                    acc += b[i * n + t] * b[j * n + t];
                }
                m[i * n + j] = acc + if i == j { n as f32 } else { 0.0 };
            }
        }
        m
    }

    #[test]
    fn eigenvalues_of_diagonal_and_trace() {
        let n = 5;
        let mut s = Scratch::new(n, 1);
        let mut d = vec![0.0f32; n * n];
        for i in 0..n {
            d[i * n + i] = (i + 1) as f32;
        }
        let mut e = vec![0.0f32; n];
        assert!(eigenvalues(&d, &mut e, &mut s));
        let mut sorted = e.clone();
        sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
        assert_eq!(sorted, vec![1.0, 2.0, 3.0, 4.0, 5.0]);

        let n = 25;
        let m = spd(n);
        let mut s = Scratch::new(n, 3);
        let mut e = vec![0.0f32; n];
        assert!(eigenvalues(&m, &mut e, &mut s));
        let trace: f64 = (0..n).map(|i| m[i * n + i] as f64).sum();
        let sum: f64 = e.iter().map(|&v| v as f64).sum();
        assert!((trace - sum).abs() / trace < 1e-4, "{trace} vs {sum}");
        assert!(e.iter().all(|&v| v > 0.0));
    }

    #[test]
    fn solve_recovers_known_solution() {
        let n = 25;
        let cols = 3;
        let m = spd(n);
        let xs: Vec<f32> = (0..n * cols)
            .map(|k| ((k % 7) as f32 - 3.0) * 0.5)
            .collect();
        let mut b = vec![0.0f32; n * cols];
        matmul(&mut b, &m, &xs, n, n, cols);
        let mut s = Scratch::new(n, cols);
        let mut x = vec![0.0f32; n * cols];
        assert!(solve(&m, &b, cols, &mut x, &mut s));
        for (a, e) in x.iter().zip(&xs) {
            assert!((a - e).abs() < 1e-3, "{a} vs {e}");
        }
    }

    #[test]
    fn tiny_pivot_fails_solve() {
        // diag(1, 1, 1e-7, 1): R gets a diagonal entry of magnitude 1e-7 < eps
        let n = 4;
        let mut m = vec![0.0f32; n * n];
        for i in 0..n {
            m[i * n + i] = if i == 2 { 1e-7 } else { 1.0 };
        }
        let mut s = Scratch::new(n, 1);
        let mut x = vec![0.0f32; n];
        assert!(!solve(&m, &[1.0; 4], 1, &mut x, &mut s));
        m[2 * n + 2] = 1e-5;
        assert!(solve(&m, &[1.0; 4], 1, &mut x, &mut s));
        assert!((x[2] - 1e5).abs() < 1.0);
    }
}
