//! Scalar reference kernels of `ciede` (libvmaf `ciede.c`, a port of av-metrics' CIEDE2000).
//!
//! Every cast between `f32` and `f64` below mirrors the C types: the Lab components are
//! stored as `f32`, `f(t)` of the Lab transform returns `f32`, and the CIEDE2000 terms mix
//! `f32` variables with `f64` libm calls and constants exactly as written in ciede.c.
//! "Divisions" by constants are multiplications by reciprocals, as in the C code (a true
//! division would round differently).

use std::f64::consts::PI;

use crate::frame::Plane;

/// A CIELAB colour with `f32` components (ciede.c `LABColor`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lab {
    /// Lightness L*.
    pub l: f32,
    /// a* (green–red).
    pub a: f32,
    /// b* (blue–yellow).
    pub b: f32,
}

/// Lightness weight k_L (libvmaf uses 0.65, not the standard 1).
pub const K_L: f32 = 0.65;
/// Chroma weight k_C.
pub const K_C: f32 = 1.0;
/// Hue weight k_H (libvmaf uses 4, not the standard 1).
pub const K_H: f32 = 4.0;

/// sRGB transfer function inverse with libvmaf's threshold 10/255 (ciede.c `rgb_to_xyz_map`).
#[inline]
fn srgb_to_linear(c: f64) -> f64 {
    if c > 10.0 / 255.0 {
        ((c + 0.055) * (1.0 / 1.055)).powf(2.4)
    } else {
        c * (1.0 / 12.92)
    }
}

/// CIELAB `f(t)`, rounded to `f32` as ciede.c `xyz_to_lab_map` returns `float`.
#[inline]
fn lab_f(t: f64) -> f32 {
    const KAPPA: f64 = 24389.0 / 27.0;
    const EPSILON: f64 = 216.0 / 24389.0;
    if t > EPSILON {
        t.powf(1.0 / 3.0) as f32
    } else {
        ((KAPPA * t + 16.0) * (1.0 / 116.0)) as f32
    }
}

/// Limited-range BT.709 Y'CbCr sample triple → CIELAB (ciede.c `get_lab_color`).
pub fn lab_color(y: f64, u: f64, v: f64, bit_depth: u32) -> Lab {
    let scale = (1u32 << (bit_depth - 8)) as f64;
    let y = (y - 16.0 * scale) * (1.0 / (219.0 * scale));
    let u = (u - 128.0 * scale) * (1.0 / (224.0 * scale));
    let v = (v - 128.0 * scale) * (1.0 / (224.0 * scale));

    let r = srgb_to_linear(y + 1.28033 * v);
    let g = srgb_to_linear(y - 0.21482 * u - 0.38059 * v);
    let b = srgb_to_linear(y + 2.12798 * u);

    let x = r * 0.4124564390896921 + g * 0.357576077643909 + b * 0.18043748326639894;
    let yy = r * 0.21267285140562248 + g * 0.715152155287818 + b * 0.07217499330655958;
    let z = r * 0.019333895582329317 + g * 0.119192025881303 + b * 0.9503040785363677;

    let fx = lab_f(x * (1.0 / 0.95047)) as f64;
    let fy = lab_f(yy) as f64;
    let fz = lab_f(z * (1.0 / 1.08883)) as f64;

    Lab {
        l: (116.0 * fy - 16.0) as f32,
        a: (500.0 * (fx - fy)) as f32,
        b: (200.0 * (fy - fz)) as f32,
    }
}

/// Hue angle in [0, 2π) of (a', b) (ciede.c `get_h_prime`, called as `(b, a')`).
#[inline]
fn h_prime(x: f32, y: f32) -> f32 {
    if x == 0.0 && y == 0.0 {
        return 0.0;
    }
    let mut hue = (x as f64).atan2(y as f64) as f32;
    if hue < 0.0 {
        hue = (hue as f64 + 2.0 * PI) as f32;
    }
    hue
}

/// Δh' (ciede.c `get_delta_h_prime`).
#[inline]
fn delta_h_prime(c1: f32, c2: f32, h1: f32, h2: f32) -> f32 {
    if c1 == 0.0 || c2 == 0.0 {
        return 0.0;
    }
    if ((h1 - h2).abs() as f64) <= PI {
        return h2 - h1;
    }
    if h2 <= h1 {
        ((h2 - h1) as f64 + 2.0 * PI) as f32
    } else {
        ((h2 - h1) as f64 - 2.0 * PI) as f32
    }
}

/// H̄' (ciede.c `get_upcase_h_bar_prime`).
#[inline]
fn upcase_h_bar_prime(h1: f32, h2: f32) -> f32 {
    if ((h1 - h2) as f64).abs() > PI {
        (((h1 + h2) as f64 + 2.0 * PI) / 2.0) as f32
    } else {
        ((h1 + h2) as f64 / 2.0) as f32
    }
}

/// T (ciede.c `get_upcase_t`).
#[inline]
fn upcase_t(h_bar: f32) -> f32 {
    let h = h_bar as f64;
    (1.0 - 0.17 * (h - PI / 6.0).cos()
        + 0.24 * (2.0 * h).cos()
        + 0.32 * (3.0 * h + PI / 30.0).cos()
        - 0.20 * (4.0 * h - 7.0 * PI / 20.0).cos()) as f32
}

#[inline]
fn radians_to_degrees(r: f32) -> f32 {
    (r as f64 * (180.0 / PI)) as f32
}

#[inline]
fn degrees_to_radians(d: f32) -> f32 {
    (d as f64 * (PI / 180.0)) as f32
}

/// R_T (ciede.c `get_r_sub_t`); `powf` in `f32` as written there.
#[inline]
fn r_sub_t(c_bar_prime: f32, h_bar_prime: f32) -> f32 {
    let degrees = ((radians_to_degrees(h_bar_prime) as f64 - 275.0) * (1.0 / 25.0)) as f32;
    let c7 = c_bar_prime.powf(7.0);
    let ratio = c7 / (c7 + 25f32.powf(7.0));
    let rot = degrees_to_radians((60.0 * (-(degrees * degrees) as f64).exp()) as f32);
    (-2.0 * (ratio as f64).sqrt() * (rot as f64).sin()) as f32
}

/// CIEDE2000 colour difference of two Lab colours with libvmaf's weights
/// (k_L = 0.65, k_C = 1, k_H = 4) (ciede.c `ciede2000`).
pub fn ciede2000(c1: Lab, c2: Lab) -> f32 {
    let sq = |x: f32| (x as f64) * (x as f64);
    let delta_l_prime = c2.l - c1.l;
    let l_bar = (c1.l + c2.l) / 2.0;
    let chroma_1 = (sq(c1.a) + sq(c1.b)).sqrt() as f32;
    let chroma_2 = (sq(c2.a) + sq(c2.b)).sqrt() as f32;
    let c_bar = (chroma_1 + chroma_2) / 2.0;
    let c_bar7 = (c_bar as f64).powf(7.0);
    // pow(25, 7) = 6103515625 is exact in f64.
    let g = 1.0 - (c_bar7 / (c_bar7 + 6103515625.0)).sqrt();
    let a_prime_1 = (c1.a as f64 + (c1.a / 2.0) as f64 * g) as f32;
    let a_prime_2 = (c2.a as f64 + (c2.a / 2.0) as f64 * g) as f32;
    let c_prime_1 = (sq(a_prime_1) + sq(c1.b)).sqrt() as f32;
    let c_prime_2 = (sq(a_prime_2) + sq(c2.b)).sqrt() as f32;
    let c_bar_prime = (c_prime_1 + c_prime_2) / 2.0;
    let delta_c_prime = c_prime_2 - c_prime_1;
    let l50 = sq(l_bar - 50.0);
    let s_sub_l = (1.0 + (0.015 * l50) / (20.0 + l50).sqrt()) as f32;
    let s_sub_c = (1.0 + 0.045 * c_bar_prime as f64) as f32;
    let h_prime_1 = h_prime(c1.b, a_prime_1);
    let h_prime_2 = h_prime(c2.b, a_prime_2);
    let delta_h_prime = delta_h_prime(chroma_1, chroma_2, h_prime_1, h_prime_2);
    let delta_upcase_h_prime =
        (2.0 * ((c_prime_1 * c_prime_2) as f64).sqrt() * (delta_h_prime as f64 / 2.0).sin()) as f32;
    let upcase_h_bar_prime = upcase_h_bar_prime(h_prime_1, h_prime_2);
    let upcase_t = upcase_t(upcase_h_bar_prime);
    let s_sub_upcase_h = (1.0 + 0.015 * c_bar_prime as f64 * upcase_t as f64) as f32;
    let r_sub_t = r_sub_t(c_bar_prime, upcase_h_bar_prime);
    let lightness = delta_l_prime / (K_L * s_sub_l);
    let chroma = delta_c_prime / (K_C * s_sub_c);
    let hue = delta_upcase_h_prime / (K_H * s_sub_upcase_h);
    (sq(lightness) + sq(chroma) + sq(hue) + (r_sub_t * chroma * hue) as f64).sqrt() as f32
}

/// Adds the CIEDE2000 difference of every pixel of one row to `sum`, left to right
/// (ciede.c `extract`'s inner loop). All six slices hold full-resolution (4:4:4) samples.
#[allow(clippy::too_many_arguments)]
pub fn accumulate_row(
    ref_y: &[u16],
    ref_u: &[u16],
    ref_v: &[u16],
    dis_y: &[u16],
    dis_u: &[u16],
    dis_v: &[u16],
    bit_depth: u32,
    sum: &mut f64,
) {
    let n = ref_y.len();
    let (ref_u, ref_v, dis_y, dis_u, dis_v) = (
        &ref_u[..n],
        &ref_v[..n],
        &dis_y[..n],
        &dis_u[..n],
        &dis_v[..n],
    );
    for j in 0..n {
        let c1 = lab_color(ref_y[j] as f64, ref_u[j] as f64, ref_v[j] as f64, bit_depth);
        let c2 = lab_color(dis_y[j] as f64, dis_u[j] as f64, dis_v[j] as f64, bit_depth);
        *sum += ciede2000(c1, c2) as f64;
    }
}

/// The frame score `45 − 20·log10(mean ΔE00)` (`+inf` for identical frames).
pub fn score(sum: f64, width: usize, height: usize) -> f64 {
    let pixels = (width as u32).wrapping_mul(height as u32);
    45.0 - 20.0 * (sum / pixels as f64).log10()
}

/// How the chroma planes of one picture are brought to luma resolution (ciede.c upsamples
/// every non-4:4:4 input by nearest neighbour before measuring).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChromaUpsampling {
    /// 4:4:4: chroma rows are used as they are.
    None,
    /// 4:2:0: sample (x/2, y/2).
    Half420,
    /// 4:2:2 as libvmaf's `scale_chroma_planes` reads it (see [`libvmaf_422_row`]).
    Libvmaf422 {
        /// Chroma width of libvmaf's picture (`w >> 1`).
        width: usize,
        /// Chroma row stride of libvmaf's picture in samples (`width` rounded up to 32).
        stride: usize,
    },
    /// 4:0:0: every chroma sample is the given neutral value (`128 << (bpc − 8)`).
    Neutral(u16),
}

impl ChromaUpsampling {
    /// libvmaf's 4:2:2 reading for a picture `luma_width` samples wide.
    pub fn libvmaf_422(luma_width: usize) -> Self {
        let width = luma_width >> 1;
        ChromaUpsampling::Libvmaf422 {
            width,
            // A 1-px-wide picture has no chroma column in libvmaf's layout; keep the stride
            // non-zero so that every read is of its (zero) padding.
            stride: ((width + 31) & !31).max(32),
        }
    }
}

/// Copies row `y` of `plane` into `out` as `u16`.
pub fn load_row<T: Copy + Into<u32>>(plane: &Plane<'_, T>, y: usize, out: &mut [u16]) {
    for (o, &s) in out.iter_mut().zip(plane.row(y)) {
        *o = s.into() as u16;
    }
}

/// Fills `out` (luma width) with chroma row `y` of `plane` brought to luma resolution.
///
/// `next` is the plane that follows `plane` in libvmaf's picture buffer (V after U; `None`
/// after V); only [`ChromaUpsampling::Libvmaf422`] can read into it.
pub fn chroma_row<T: Copy + Into<u32>>(
    plane: &Plane<'_, T>,
    next: Option<&Plane<'_, T>>,
    mode: ChromaUpsampling,
    y: usize,
    out: &mut [u16],
) {
    match mode {
        ChromaUpsampling::None => load_row(plane, y, out),
        ChromaUpsampling::Half420 => {
            let row = plane.row(y >> 1);
            for (x, o) in out.iter_mut().enumerate() {
                *o = row[x >> 1].into() as u16;
            }
        }
        ChromaUpsampling::Libvmaf422 { width, stride } => {
            libvmaf_422_row(plane, next, width, stride, y, out)
        }
        ChromaUpsampling::Neutral(v) => out.fill(v),
    }
}

/// libvmaf's 4:2:2 chroma upsampling, reproduced (ciede.c `scale_chroma_planes`).
///
/// The C code halves the column index only for 4:2:0 and moves to the next chroma row every
/// second output row for 4:2:2 as well, so output row `y`, column `x` reads the sample at
/// linear offset `(y/2)·stride + x` of libvmaf's plane buffer: the first half of the row
/// comes from chroma row `y/2` at full resolution, the rest spills into the row padding
/// (zeros in libvmaf's pictures) and the following row(s). The corpus golden of an 8-bit
/// 4:2:2 pair (static_coffee_422) is matched exactly only with this reading.
/// Offsets past the plane continue into `next` (libvmaf's V plane follows its U plane);
/// past the V plane libvmaf reads outside its buffer — zeros here. That only happens for
/// pictures 1 row high (or 3 rows with a particular odd width).
pub fn libvmaf_422_row<T: Copy + Into<u32>>(
    plane: &Plane<'_, T>,
    next: Option<&Plane<'_, T>>,
    width: usize,
    stride: usize,
    y: usize,
    out: &mut [u16],
) {
    let h = plane.height();
    for (x, o) in out.iter_mut().enumerate() {
        let row = (y >> 1) + x / stride;
        let col = x % stride;
        *o = if col >= width {
            0
        } else if row < h {
            plane.at(col, row).into() as u16
        } else {
            match next {
                Some(n) if row - h < n.height() => n.at(col, row - h).into() as u16,
                _ => 0,
            }
        };
    }
}
