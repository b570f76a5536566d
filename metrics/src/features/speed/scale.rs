//! Frame resampling for `speed_prescale` (libvmaf `vif_tools.c`: `vif_scale_frame_s` and the
//! precomputed bilinear variant), scalar f32 exactly as in C.
//!
//! Sample positions use libvmaf's centre convention `(x + 0.5) * ratio - 0.5` evaluated in f64
//! and stored in f32; out-of-range taps are mirrored with its `mirror()` (reflect101 on f32
//! coordinates). Every method copies the frame unchanged when the size does not change.

/// `speed_prescale_method`: libvmaf's `enum vif_scaling_method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleMethod {
    /// Nearest neighbour (top-left sample of the source cell).
    Nearest,
    /// Bilinear.
    Bilinear,
    /// Bicubic (Keys, a = -0.75), 4×4 taps.
    Bicubic,
    /// Lanczos (a = 4), 9×9 taps, normalised by the weight sum.
    Lanczos4,
}

impl ScaleMethod {
    /// `vif_get_scaling_method`: exact names `nearest`, `bilinear`, `bicubic`, `lanczos4`.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "nearest" => ScaleMethod::Nearest,
            "bilinear" => ScaleMethod::Bilinear,
            "bicubic" => ScaleMethod::Bicubic,
            "lanczos4" => ScaleMethod::Lanczos4,
            _ => return None,
        })
    }
}

/// libvmaf's `mirror(i, left, right)` on f32 coordinates, truncated to an index.
#[inline]
fn mirror(i: f32, left: f32, right: f32) -> usize {
    let m = if i < left {
        -i
    } else if i > right {
        2.0 * right - i
    } else {
        i
    };
    m as i32 as usize
}

/// `(x + 0.5) * ratio - 0.5` in f64, stored in f32.
#[inline]
fn source_pos(x: usize, ratio: f32) -> f32 {
    ((x as f64 + 0.5) * ratio as f64 - 0.5) as f32
}

/// Bilinear column table (`vif_scale_frame_bilinear_precompute_columns_s`), built once per
/// instance: left/right source column and fractional weight of every output column.
#[derive(Debug, Clone, Default)]
pub(crate) struct BilinearColumns {
    x1: Vec<usize>,
    x2: Vec<usize>,
    dx: Vec<f32>,
}

impl BilinearColumns {
    /// Table for scaling `src_w` columns to `dst_w`.
    pub(crate) fn new(src_w: usize, dst_w: usize) -> Self {
        let ratio = src_w as f32 / dst_w as f32;
        let right = (src_w as i32 - 1) as f32;
        let mut t = BilinearColumns {
            x1: Vec::with_capacity(dst_w),
            x2: Vec::with_capacity(dst_w),
            dx: Vec::with_capacity(dst_w),
        };
        for x in 0..dst_w {
            let xx = source_pos(x, ratio);
            let x1 = mirror((xx as f64).floor() as f32, 0.0, right);
            let x2 = mirror((xx as f64).ceil() as f32, 0.0, right);
            t.x1.push(x1);
            t.x2.push(x2);
            t.dx.push(xx - x1 as i32 as f32);
        }
        t
    }
}

/// Geometry of one resampling call: source and destination sizes and strides (in samples).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ScaleGeometry {
    /// Source width.
    pub src_w: usize,
    /// Source height.
    pub src_h: usize,
    /// Source stride.
    pub src_stride: usize,
    /// Destination width.
    pub dst_w: usize,
    /// Destination height.
    pub dst_h: usize,
    /// Destination stride.
    pub dst_stride: usize,
}

/// Resamples `src` into `dst` with `method` (`vif_scale_frame_s`; bilinear uses `columns`).
pub(crate) fn scale_frame(
    method: ScaleMethod,
    columns: Option<&BilinearColumns>,
    src: &[f32],
    dst: &mut [f32],
    g: ScaleGeometry,
) {
    if g.src_w == g.dst_w && g.src_h == g.dst_h {
        for y in 0..g.dst_h {
            dst[y * g.dst_stride..y * g.dst_stride + g.dst_w]
                .copy_from_slice(&src[y * g.src_stride..y * g.src_stride + g.dst_w]);
        }
        return;
    }
    match method {
        ScaleMethod::Nearest => scale_nearest(src, dst, g),
        ScaleMethod::Bilinear => match columns {
            Some(c) => scale_bilinear(src, dst, g, c),
            None => scale_bilinear(src, dst, g, &BilinearColumns::new(g.src_w, g.dst_w)),
        },
        ScaleMethod::Bicubic => scale_bicubic(src, dst, g),
        ScaleMethod::Lanczos4 => scale_lanczos4(src, dst, g),
    }
}

/// `vif_scale_frame_nearest_s`: `src[(int)(y * ry)][(int)(x * rx)]` with f32 products.
fn scale_nearest(src: &[f32], dst: &mut [f32], g: ScaleGeometry) {
    let rx = g.src_w as f32 / g.dst_w as f32;
    let ry = g.src_h as f32 / g.dst_h as f32;
    for y in 0..g.dst_h {
        let sy = (y as f32 * ry) as i32 as usize;
        for x in 0..g.dst_w {
            let sx = (x as f32 * rx) as i32 as usize;
            dst[y * g.dst_stride + x] = src[sy * g.src_stride + sx];
        }
    }
}

/// `vif_scale_frame_bilinear_apply_s`.
fn scale_bilinear(src: &[f32], dst: &mut [f32], g: ScaleGeometry, c: &BilinearColumns) {
    let ry = g.src_h as f32 / g.dst_h as f32;
    let bottom = (g.src_h as i32 - 1) as f32;
    for y in 0..g.dst_h {
        let yy = source_pos(y, ry);
        let y1 = mirror((yy as f64).floor() as f32, 0.0, bottom);
        let y2 = mirror((yy as f64).ceil() as f32, 0.0, bottom);
        let dy = yy - y1 as i32 as f32;
        let r1 = &src[y1 * g.src_stride..];
        let r2 = &src[y2 * g.src_stride..];
        let drow = &mut dst[y * g.dst_stride..y * g.dst_stride + g.dst_w];
        for (x, d) in drow.iter_mut().enumerate() {
            let (x1, x2, dx) = (c.x1[x], c.x2[x], c.dx[x]);
            *d = (1.0 - dy) * (1.0 - dx) * r1[x1]
                + (1.0 - dy) * dx * r1[x2]
                + dy * (1.0 - dx) * r2[x1]
                + dy * dx * r2[x2];
        }
    }
}

/// `bicubic_kernel` (a = -0.75), f32.
fn bicubic_kernel(t: f32) -> f32 {
    let a = -0.75f32;
    let t = if t < 0.0 { -t } else { t };
    if t < 1.0 {
        return ((a + 2.0) * t - (a + 3.0)) * t * t + 1.0;
    }
    if t < 2.0 {
        return (((t - 5.0) * t + 8.0) * t - 4.0) * a;
    }
    0.0
}

/// `bicubic_interpolation` at source position (x, y).
fn bicubic_at(src: &[f32], w: usize, h: usize, stride: usize, x: f32, y: f32) -> f32 {
    let x0 = (x as f64).floor() as i32;
    let y0 = (y as f64).floor() as i32;
    let dx = x - x0 as f32;
    let dy = y - y0 as f32;
    let mut wx = [0.0f32; 4];
    let mut wy = [0.0f32; 4];
    for i in -1i32..=2 {
        wx[(i + 1) as usize] = bicubic_kernel(i as f32 - dx);
        wy[(i + 1) as usize] = bicubic_kernel(i as f32 - dy);
    }
    let right = (w as i32 - 1) as f32;
    let bottom = (h as i32 - 1) as f32;
    let mut v = 0.0f32;
    for j in -1i32..=2 {
        for i in -1i32..=2 {
            let xi = mirror((x0 + i) as f32, 0.0, right);
            let yi = mirror((y0 + j) as f32, 0.0, bottom);
            let weight = wx[(i + 1) as usize] * wy[(j + 1) as usize];
            v += src[yi * stride + xi] * weight;
        }
    }
    v
}

/// `vif_scale_frame_bicubic_s`.
fn scale_bicubic(src: &[f32], dst: &mut [f32], g: ScaleGeometry) {
    let rx = g.src_w as f32 / g.dst_w as f32;
    let ry = g.src_h as f32 / g.dst_h as f32;
    for y in 0..g.dst_h {
        let yy = source_pos(y, ry);
        for x in 0..g.dst_w {
            let xx = source_pos(x, rx);
            dst[y * g.dst_stride + x] = bicubic_at(src, g.src_w, g.src_h, g.src_stride, xx, yy);
        }
    }
}

/// `lanczos4_kernel(x, a)`: sinc·sinc in f64, stored in f32.
fn lanczos4_kernel(x: f32, a: f32) -> f32 {
    use std::f64::consts::PI;
    if x as f64 == 0.0 {
        return 1.0;
    }
    if x > -a && x < a {
        let (xd, ad) = (x as f64, a as f64);
        return (ad * (PI * xd).sin() * (PI * xd / ad).sin() / (PI * PI * xd * xd)) as f32;
    }
    0.0
}

/// `lanczos4_interpolation` at source position (x, y).
fn lanczos4_at(src: &[f32], w: usize, h: usize, stride: usize, x: f32, y: f32) -> f32 {
    const A: i32 = 4;
    let x0 = (x as f64).floor() as i32;
    let y0 = (y as f64).floor() as i32;
    let dx = x - x0 as f32;
    let dy = y - y0 as f32;
    let mut wx = [0.0f32; 9];
    let mut wy = [0.0f32; 9];
    for i in -A..=A {
        wx[(i + A) as usize] = lanczos4_kernel(i as f32 - dx, A as f32);
        wy[(i + A) as usize] = lanczos4_kernel(i as f32 - dy, A as f32);
    }
    let right = (w as i32 - 1) as f32;
    let bottom = (h as i32 - 1) as f32;
    let mut value = 0.0f32;
    let mut weight_sum = 0.0f32;
    for iy in -A..=A {
        for ix in -A..=A {
            let weight = wx[(ix + A) as usize] * wy[(iy + A) as usize];
            weight_sum += weight;
            let xi = mirror((x0 + ix) as f32, 0.0, right);
            let yi = mirror((y0 + iy) as f32, 0.0, bottom);
            value += src[yi * stride + xi] * weight;
        }
    }
    value / weight_sum
}

/// `vif_scale_frame_lanczos4_s`.
fn scale_lanczos4(src: &[f32], dst: &mut [f32], g: ScaleGeometry) {
    let rx = g.src_w as f32 / g.dst_w as f32;
    let ry = g.src_h as f32 / g.dst_h as f32;
    for y in 0..g.dst_h {
        let yy = source_pos(y, ry);
        for x in 0..g.dst_w {
            let xx = source_pos(x, rx);
            dst[y * g.dst_stride + x] = lanczos4_at(src, g.src_w, g.src_h, g.src_stride, xx, yy);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geom(sw: usize, sh: usize, dw: usize, dh: usize) -> ScaleGeometry {
        ScaleGeometry {
            src_w: sw,
            src_h: sh,
            src_stride: sw,
            dst_w: dw,
            dst_h: dh,
            dst_stride: dw,
        }
    }

    #[test]
    fn methods_parse() {
        assert_eq!(ScaleMethod::parse("bilinear"), Some(ScaleMethod::Bilinear));
        assert_eq!(ScaleMethod::parse("lanczos4"), Some(ScaleMethod::Lanczos4));
        assert_eq!(ScaleMethod::parse("Bilinear"), None);
        assert_eq!(ScaleMethod::parse("area"), None);
    }

    #[test]
    fn constant_planes_stay_constant() {
        let src = vec![3.5f32; 40 * 30];
        for m in [
            ScaleMethod::Nearest,
            ScaleMethod::Bilinear,
            ScaleMethod::Bicubic,
            ScaleMethod::Lanczos4,
        ] {
            for (dw, dh) in [(20, 15), (80, 60), (33, 47)] {
                let mut dst = vec![0.0f32; dw * dh];
                scale_frame(m, None, &src, &mut dst, geom(40, 30, dw, dh));
                for &v in &dst {
                    assert!((v - 3.5).abs() < 1e-5, "{m:?} {dw}x{dh}: {v}");
                }
            }
        }
    }

    #[test]
    fn halving_bilinear_averages_pairs() {
        // ratio 2: xx = 2x + 0.5, so each output is the mean of a 2x2 cell.
        let (w, h) = (8, 4);
        let src: Vec<f32> = (0..w * h).map(|k| k as f32).collect();
        let mut dst = vec![0.0f32; 4 * 2];
        scale_frame(
            ScaleMethod::Bilinear,
            None,
            &src,
            &mut dst,
            geom(w, h, 4, 2),
        );
        assert_eq!(dst[0], (0.0 + 1.0 + 8.0 + 9.0) / 4.0);
        assert_eq!(dst[5], (18.0 + 19.0 + 26.0 + 27.0) / 4.0);
    }
}
