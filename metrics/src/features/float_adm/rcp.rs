//! Software model of x86 `RCPSS` as Intel CPUs compute it.
//!
//! libvmaf's float ADM divides with `n * rcp_s(d)` (adm_tools.c, `ADM_OPT_RECIP_DIVISION` on
//! SSE2 builds), where `rcp_s` refines the hardware estimate `_mm_rcp_ss` by one
//! Newton-Raphson step. The estimate is implementation-defined (AMD and Intel CPUs return
//! different bits), and one refinement step does not hide the difference, so the reference
//! numbers depend on the CPU that made them. libvmaf's goldens come from an Intel CPU; this
//! model reproduces Intel's estimate on any CPU: the reciprocal of the midpoint of the input's
//! 2^-11 mantissa interval, rounded to nearest at 12 fraction bits, which is what Intel
//! documents as a relative error of at most 1.5·2^-12. Zero and denormal inputs give a signed
//! infinity, infinities a signed zero, and results that would be tiny are flushed to zero.

/// The 12-bit mantissa estimate for input mantissa interval `i` (top 11 fraction bits):
/// `round(4096 · (2 / (1 + (i + ½)/2048) − 1))`, so the estimate is `½ · (1 + k/4096)`.
const fn estimate(i: u32) -> u32 {
    // 2/(1 + (2i+1)/4096) - 1 = (8192 - 4096 - 2i - 1) / (4096 + 2i + 1), scaled by 4096
    // and rounded to nearest with integer arithmetic (no ties: the denominator is odd).
    let den = 4096 + 2 * i + 1;
    let num = (4096 - 2 * i - 1) * 4096;
    (2 * num + den) / (2 * den)
}

/// Mantissa estimates for every 11-bit interval, built at compile time.
static TABLE: [u16; 2048] = {
    let mut t = [0u16; 2048];
    let mut i = 0;
    while i < 2048 {
        t[i] = estimate(i as u32) as u16;
        i += 1;
    }
    t
};

/// [`TABLE`] widened to 32 bits (for vector gathers).
#[cfg(target_arch = "x86_64")]
pub(super) static TABLE32: [u32; 2048] = {
    let mut t = [0u32; 2048];
    let mut i = 0;
    while i < 2048 {
        t[i] = TABLE[i] as u32;
        i += 1;
    }
    t
};

/// Intel's `RCPSS` estimate of `1/x`.
pub fn rcp_estimate(x: f32) -> f32 {
    let bits = x.to_bits();
    let sign = bits & 0x8000_0000;
    let exp = ((bits >> 23) & 0xff) as i32;
    let frac = bits & 0x7f_ffff;
    if exp == 0 {
        // zero or denormal (treated as zero)
        return f32::from_bits(sign | 0x7f80_0000);
    }
    if exp == 0xff {
        if frac != 0 {
            return f32::from_bits(bits | 0x0040_0000); // quiet NaN
        }
        return f32::from_bits(sign);
    }
    let rexp = 253 - exp;
    if rexp <= 0 {
        return f32::from_bits(sign);
    }
    let k = TABLE[(frac >> 12) as usize] as u32;
    f32::from_bits(sign | ((rexp as u32) << 23) | (k << 11))
}

/// adm_tools.c `rcp_s`: the estimate refined by one Newton-Raphson step, in `f32`.
#[inline]
pub fn rcp_s(x: f32) -> f32 {
    let xi = rcp_estimate(x);
    xi + xi * (1.0 - x * xi)
}

/// adm_tools.c `DIVS(n, d)`: `n · rcp_s(d)`.
#[inline]
pub fn divs(n: f32, d: f32) -> f32 {
    n * rcp_s(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_estimates() {
        // rcpss(1.0) = 0x3f7ff000 on Intel CPUs (documented widely, e.g. VirtualDub's blog)
        assert_eq!(rcp_estimate(1.0).to_bits(), 0x3f7f_f000);
        assert_eq!(rcp_estimate(-2.0).to_bits(), 0xbeff_f000);
        assert_eq!(rcp_estimate(0.0), f32::INFINITY);
        assert_eq!(rcp_estimate(-0.0), f32::NEG_INFINITY);
        assert_eq!(rcp_estimate(f32::from_bits(1)), f32::INFINITY);
        assert_eq!(rcp_estimate(f32::INFINITY), 0.0);
        assert!(rcp_estimate(f32::NAN).is_nan());
    }

    #[test]
    fn within_documented_error() {
        for i in 0..(1u32 << 23) {
            let x = f32::from_bits(0x3f80_0000 | i);
            let r = rcp_estimate(x) as f64;
            let e = (r * x as f64 - 1.0).abs();
            assert!(e <= 1.5 * 2f64.powi(-12), "{x}: {e}");
        }
    }
}
