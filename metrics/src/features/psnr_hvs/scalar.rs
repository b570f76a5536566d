//! Scalar reference kernels of `psnr_hvs` (libvmaf `third_party/xiph/psnr_hvs.c`).
//!
//! The Daala 8×8 integer DCT uses `i32` with two's-complement wrapping (the C code's `int`
//! arithmetic never overflows for ≤ 12-bit input, wrapping only makes the behaviour total).
//! Block statistics and the error are accumulated in `f32` in the C code's exact order; the
//! error of a whole plane goes into a single `f32`.

use crate::frame::Plane;

/// Contrast sensitivity table of luma (psnr_hvs.c `csf_y`), as `f32`.
#[allow(clippy::excessive_precision)]
#[rustfmt::skip]
pub const CSF_Y: [[f32; 8]; 8] = [
    [1.6193873005, 2.2901594831, 2.08509755623, 1.48366094411, 1.00227514334, 0.678296995242, 0.466224900598, 0.3265091542],
    [2.2901594831, 1.94321815382, 2.04793073064, 1.68731108984, 1.2305666963, 0.868920337363, 0.61280991668, 0.436405793551],
    [2.08509755623, 2.04793073064, 1.34329019223, 1.09205635862, 0.875748795257, 0.670882927016, 0.501731932449, 0.372504254596],
    [1.48366094411, 1.68731108984, 1.09205635862, 0.772819797575, 0.605636379554, 0.48309405692, 0.380429446972, 0.295774038565],
    [1.00227514334, 1.2305666963, 0.875748795257, 0.605636379554, 0.448996256676, 0.352889268808, 0.283006984131, 0.226951348204],
    [0.678296995242, 0.868920337363, 0.670882927016, 0.48309405692, 0.352889268808, 0.27032073436, 0.215017739696, 0.17408067321],
    [0.466224900598, 0.61280991668, 0.501731932449, 0.380429446972, 0.283006984131, 0.215017739696, 0.168869545842, 0.136153931001],
    [0.3265091542, 0.436405793551, 0.372504254596, 0.295774038565, 0.226951348204, 0.17408067321, 0.136153931001, 0.109083846276],
];

/// Contrast sensitivity table of Cb (psnr_hvs.c `csf_cb420`, used for every chroma format).
#[allow(clippy::excessive_precision)]
#[rustfmt::skip]
pub const CSF_CB420: [[f32; 8]; 8] = [
    [1.91113096927, 2.46074210438, 1.18284184739, 1.14982565193, 1.05017074788, 0.898018824055, 0.74725392039, 0.615105596242],
    [2.46074210438, 1.58529308355, 1.21363250036, 1.38190029285, 1.33100189972, 1.17428548929, 0.996404342439, 0.830890433625],
    [1.18284184739, 1.21363250036, 0.978712413627, 1.02624506078, 1.03145147362, 0.960060382087, 0.849823426169, 0.731221236837],
    [1.14982565193, 1.38190029285, 1.02624506078, 0.861317501629, 0.801821139099, 0.751437590932, 0.685398513368, 0.608694761374],
    [1.05017074788, 1.33100189972, 1.03145147362, 0.801821139099, 0.676555426187, 0.605503172737, 0.55002013668, 0.495804539034],
    [0.898018824055, 1.17428548929, 0.960060382087, 0.751437590932, 0.605503172737, 0.514674450957, 0.454353482512, 0.407050308965],
    [0.74725392039, 0.996404342439, 0.849823426169, 0.685398513368, 0.55002013668, 0.454353482512, 0.389234902883, 0.342353999733],
    [0.615105596242, 0.830890433625, 0.731221236837, 0.608694761374, 0.495804539034, 0.407050308965, 0.342353999733, 0.295530605237],
];

/// Contrast sensitivity table of Cr (psnr_hvs.c `csf_cr420`, used for every chroma format).
#[allow(clippy::excessive_precision)]
#[rustfmt::skip]
pub const CSF_CR420: [[f32; 8]; 8] = [
    [2.03871978502, 2.62502345193, 1.26180942886, 1.11019789803, 1.01397751469, 0.867069376285, 0.721500455585, 0.593906509971],
    [2.62502345193, 1.69112867013, 1.17180569821, 1.3342742857, 1.28513006198, 1.13381474809, 0.962064122248, 0.802254508198],
    [1.26180942886, 1.17180569821, 0.944981930573, 0.990876405848, 0.995903384143, 0.926972725286, 0.820534991409, 0.706020324706],
    [1.11019789803, 1.3342742857, 0.990876405848, 0.831632933426, 0.77418706195, 0.725539939514, 0.661776842059, 0.587716619023],
    [1.01397751469, 1.28513006198, 0.995903384143, 0.77418706195, 0.653238524286, 0.584635025748, 0.531064164893, 0.478717061273],
    [0.867069376285, 1.13381474809, 0.926972725286, 0.725539939514, 0.584635025748, 0.496936637883, 0.438694579826, 0.393021669543],
    [0.721500455585, 0.962064122248, 0.820534991409, 0.661776842059, 0.531064164893, 0.438694579826, 0.375820256136, 0.330555063063],
    [0.593906509971, 0.802254508198, 0.706020324706, 0.587716619023, 0.478717061273, 0.393021669543, 0.330555063063, 0.285345396658],
];

/// Masking table of a CSF table: `f32((csf · 0.3885746225901003)²)` evaluated in `f64`.
pub fn mask_table(csf: &[[f32; 8]; 8]) -> [[f32; 8]; 8] {
    let mut m = [[0.0f32; 8]; 8];
    for (mr, cr) in m.iter_mut().zip(csf) {
        for (mv, &c) in mr.iter_mut().zip(cr) {
            let t = c as f64 * 0.3885746225901003;
            *mv = (t * t) as f32;
        }
    }
    m
}

/// `OD_DCT_RSHIFT`: right shift rounding towards zero (adds the sign bit for b = 1).
#[inline]
fn unbiased_rshift(a: i32, b: u32) -> i32 {
    (((a as u32) >> (32 - b)) as i32).wrapping_add(a) >> b
}

/// `(t · m + r) >> s` in wrapping `i32`.
#[inline]
fn mul_shift(t: i32, m: i32, r: i32, s: u32) -> i32 {
    t.wrapping_mul(m).wrapping_add(r) >> s
}

/// Daala's 8-point lifting fDCT (psnr_hvs.c `od_bin_fdct8`): reads `x[k·stride]`.
fn fdct8(y: &mut [i32], x: &[i32], stride: usize) {
    let mut t0 = x[0];
    let mut t4 = x[stride];
    let mut t2 = x[2 * stride];
    let mut t6 = x[3 * stride];
    let mut t7 = x[4 * stride];
    let mut t3 = x[5 * stride];
    let mut t5 = x[6 * stride];
    let mut t1 = x[7 * stride];
    t1 = t0.wrapping_sub(t1);
    let t1h = unbiased_rshift(t1, 1);
    t0 = t0.wrapping_sub(t1h);
    t4 = t4.wrapping_add(t5);
    let t4h = unbiased_rshift(t4, 1);
    t5 = t5.wrapping_sub(t4h);
    t3 = t2.wrapping_sub(t3);
    t2 = t2.wrapping_sub(unbiased_rshift(t3, 1));
    t6 = t6.wrapping_add(t7);
    let t6h = unbiased_rshift(t6, 1);
    t7 = t6h.wrapping_sub(t7);
    t0 = t0.wrapping_add(t6h);
    t6 = t0.wrapping_sub(t6);
    t2 = t4h.wrapping_sub(t2);
    t4 = t2.wrapping_sub(t4);
    t0 = t0.wrapping_sub(mul_shift(t4, 13573, 16384, 15));
    t4 = t4.wrapping_add(mul_shift(t0, 11585, 8192, 14));
    t0 = t0.wrapping_sub(mul_shift(t4, 13573, 16384, 15));
    t6 = t6.wrapping_sub(mul_shift(t2, 21895, 16384, 15));
    t2 = t2.wrapping_add(mul_shift(t6, 15137, 8192, 14));
    t6 = t6.wrapping_sub(mul_shift(t2, 21895, 16384, 15));
    t3 = t3.wrapping_add(mul_shift(t5, 19195, 16384, 15));
    t5 = t5.wrapping_add(mul_shift(t3, 11585, 8192, 14));
    t3 = t3.wrapping_sub(mul_shift(t5, 7489, 4096, 13));
    t7 = unbiased_rshift(t5, 1).wrapping_sub(t7);
    t5 = t5.wrapping_sub(t7);
    t3 = t1h.wrapping_sub(t3);
    t1 = t1.wrapping_sub(t3);
    t7 = t7.wrapping_add(mul_shift(t1, 3227, 16384, 15));
    t1 = t1.wrapping_sub(mul_shift(t7, 6393, 16384, 15));
    t7 = t7.wrapping_add(mul_shift(t1, 3227, 16384, 15));
    t5 = t5.wrapping_add(mul_shift(t3, 2485, 4096, 13));
    t3 = t3.wrapping_sub(mul_shift(t5, 18205, 16384, 15));
    t5 = t5.wrapping_add(mul_shift(t3, 2485, 4096, 13));
    y[0] = t0;
    y[1] = t1;
    y[2] = t2;
    y[3] = t3;
    y[4] = t4;
    y[5] = t5;
    y[6] = t6;
    y[7] = t7;
}

/// 2-D 8×8 fDCT in place (psnr_hvs.c `od_bin_fdct8x8`): columns into a scratch block,
/// then rows back.
pub fn fdct8x8(block: &mut [i32; 64]) {
    let mut z = [0i32; 64];
    for i in 0..8 {
        fdct8(&mut z[8 * i..8 * i + 8], &block[i..], 8);
    }
    for i in 0..8 {
        fdct8(&mut block[8 * i..8 * i + 8], &z[i..], 8);
    }
}

/// Quadrant of (i, j) in an 8×8 block (psnr_hvs.c `sub`).
#[inline]
fn quadrant(i: usize, j: usize) -> usize {
    ((i & 12) >> 2) + ((j & 12) >> 1)
}

/// Block statistic of psnr_hvs.c: the variance ratio `Σ quadrant variances / global
/// variance` (the global variance itself when it is not positive).
fn block_variance_ratio(block: &[i32; 64]) -> f32 {
    let mut means = [0.0f32; 4];
    let mut gmean = 0.0f32;
    for i in 0..8 {
        for j in 0..8 {
            let v = block[i * 8 + j] as f32;
            gmean += v;
            means[quadrant(i, j)] += v;
        }
    }
    gmean /= 64.0;
    for m in &mut means {
        *m /= 16.0;
    }
    let mut gvar = 0.0f32;
    let mut vars = [0.0f32; 4];
    for i in 0..8 {
        for j in 0..8 {
            let v = block[i * 8 + j] as f32;
            let q = quadrant(i, j);
            gvar += (v - gmean) * (v - gmean);
            vars[q] += (v - means[q]) * (v - means[q]);
        }
    }
    gvar *= 1.0 / 63.0f32 * 64.0;
    for v in &mut vars {
        *v *= 1.0 / 15.0f32 * 16.0;
    }
    if gvar > 0.0 {
        gvar = (vars[0] + vars[1] + vars[2] + vars[3]) / gvar;
    }
    gvar
}

/// Masking energy `Σ_{(i,j)≠(0,0)} c² · mask` of a transformed block (`c²` in `i32`).
fn mask_energy(dct: &[i32; 64], mask: &[[f32; 8]; 8]) -> f32 {
    let mut e = 0.0f32;
    for i in 0..8 {
        for j in (i == 0) as usize..8 {
            let c = dct[i * 8 + j];
            e += c.wrapping_mul(c) as f32 * mask[i][j];
        }
    }
    e
}

/// Loads the 8×8 block at (x, y).
#[inline]
fn load_block<T: Copy + Into<u32>>(plane: &Plane<'_, T>, x: usize, y: usize, out: &mut [i32; 64]) {
    for i in 0..8 {
        let row = &plane.row(y + i)[x..x + 8];
        for (o, &s) in out[i * 8..i * 8 + 8].iter_mut().zip(row) {
            *o = s.into() as i32;
        }
    }
}

/// Normalised masked DCT error of one plane (psnr_hvs.c `calc_psnrhvs` with step 7):
/// 8×8 blocks every 7 samples while a whole block fits, the error of every coefficient
/// summed into one `f32` in (y, x, i, j) order, divided by the coefficient count and by
/// `(2^bpc − 1)²`. A plane smaller than 8×8 gives NaN (0/0), as in libvmaf.
pub fn plane_score<T: Copy + Into<u32>>(
    src: &Plane<'_, T>,
    dst: &Plane<'_, T>,
    bit_depth: u32,
    csf: &[[f32; 8]; 8],
    mask: &[[f32; 8]; 8],
) -> f64 {
    const STEP: usize = 7;
    let (w, h) = (src.width(), src.height());
    let mut ret = 0.0f32;
    let mut pixels: i32 = 0;
    let mut dct_s = [0i32; 64];
    let mut dct_d = [0i32; 64];
    let mut y = 0;
    while y + 7 < h {
        let mut x = 0;
        while x + 7 < w {
            load_block(src, x, y, &mut dct_s);
            load_block(dst, x, y, &mut dct_d);
            let s_gvar = block_variance_ratio(&dct_s);
            let d_gvar = block_variance_ratio(&dct_d);
            fdct8x8(&mut dct_s);
            fdct8x8(&mut dct_d);
            let s_mask = ((mask_energy(&dct_s, mask) * s_gvar) as f64).sqrt() / 32.0;
            let d_mask = ((mask_energy(&dct_d, mask) * d_gvar) as f64).sqrt() / 32.0;
            let mut s_mask = s_mask as f32;
            let d_mask = d_mask as f32;
            if d_mask > s_mask {
                s_mask = d_mask;
            }
            for i in 0..8 {
                for j in 0..8 {
                    let mut err = dct_s[i * 8 + j]
                        .wrapping_sub(dct_d[i * 8 + j])
                        .unsigned_abs() as f32;
                    if i != 0 || j != 0 {
                        let t = s_mask / mask[i][j];
                        err = if err < t { 0.0 } else { err - t };
                    }
                    ret += (err * csf[i][j]) * (err * csf[i][j]);
                    pixels += 1;
                }
            }
            x += STEP;
        }
        y += STEP;
    }
    ret /= pixels as f32;
    let samplemax: i32 = (1 << bit_depth) - 1;
    ret /= samplemax.wrapping_mul(samplemax) as f32;
    ret as f64
}

/// libvmaf's `convert_score_db(score, 1.0)`: `10 · (−1 · log10(score))`.
pub fn to_db(score: f64) -> f64 {
    10.0 * (-(1.0 * score).log10())
}
