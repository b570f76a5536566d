//! Luminance model of CAMBI: EOTFs on 10-bit limited range, visibility thresholds per luma
//! difference (`tvi_for_diff`) and the visibility luminance threshold in luma (`vlt_luma`).
//!
//! Ported from libvmaf `luminance_tools.c` and `cambi.c` (`tvi_condition`,
//! `tvi_hard_threshold_condition`, `get_tvi_for_diff`, `get_vlt_luma`). Every value goes
//! through `f64::powf` (glibc `pow`), in libvmaf's evaluation order.

/// 10-bit limited-range foot (black) level.
pub const LUMA_FOOT: i32 = 64;
/// 10-bit limited-range head (white) level.
pub const LUMA_HEAD: i32 = 940;
/// Largest 10-bit sample value.
pub const MAX_10BIT: i32 = 1023;

/// An electro-optical transfer function (normalised signal → cd/m²).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eotf {
    /// ITU-R BT.1886 with Lw = 300, Lb = 0.01, gamma 2.4.
    Bt1886,
    /// SMPTE ST 2084 (PQ).
    Pq,
}

impl Eotf {
    /// Parses libvmaf's EOTF names (`"bt1886"`, `"pq"`).
    pub fn parse(name: &str) -> Option<Eotf> {
        match name {
            "bt1886" => Some(Eotf::Bt1886),
            "pq" => Some(Eotf::Pq),
            _ => None,
        }
    }

    /// Luminance of the normalised signal `v` (luminance_tools.c: bt1886 / pq eotf).
    pub fn apply(self, v: f64) -> f64 {
        match self {
            Eotf::Bt1886 => bt1886(v),
            Eotf::Pq => pq(v),
        }
    }
}

const BT1886_GAMMA: f64 = 2.4;
const BT1886_LW: f64 = 300.0;
const BT1886_LB: f64 = 0.01;

fn bt1886(v: f64) -> f64 {
    let lw_root = BT1886_LW.powf(1.0 / BT1886_GAMMA);
    let lb_root = BT1886_LB.powf(1.0 / BT1886_GAMMA);
    let a = (lw_root - lb_root).powf(BT1886_GAMMA);
    let b = lb_root / (lw_root - lb_root);
    let base = if v + b > 0.0 { v + b } else { 0.0 };
    a * base.powf(BT1886_GAMMA)
}

fn pq(v: f64) -> f64 {
    const M1: f64 = 0.1593017578125;
    const M2: f64 = 78.84375;
    const C1: f64 = 0.8359375;
    const C2: f64 = 18.8515625;
    const C3: f64 = 18.6875;
    let num = v.powf(1.0 / M2) - C1;
    let num_clipped = if num > 0.0 { num } else { 0.0 };
    let den = C2 - C3 * v.powf(1.0 / M2);
    10000.0 * (num_clipped / den).powf(1.0 / M1)
}

/// Luminance of a 10-bit limited-range luma sample (clipped to [64, 940] first).
pub fn luminance(sample: i32, eotf: Eotf) -> f64 {
    let clipped = sample.clamp(LUMA_FOOT, LUMA_HEAD);
    let normalized = (clipped - LUMA_FOOT) as f64 / (LUMA_HEAD - LUMA_FOOT) as f64;
    eotf.apply(normalized)
}

/// True when a step of `diff` code values above `sample` is visible:
/// `L(sample + diff) - L(sample) > tvi * L(sample)`.
pub fn tvi_condition(sample: i32, diff: i32, tvi_threshold: f64, eotf: Eotf) -> bool {
    let mean = luminance(sample, eotf);
    let stepped = luminance(sample + diff, eotf);
    stepped - mean > tvi_threshold * mean
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bisect {
    TooSmall,
    Correct,
    TooBig,
}

fn hard_threshold(sample: i32, diff: i32, tvi_threshold: f64, eotf: Eotf) -> Bisect {
    if !tvi_condition(sample, diff, tvi_threshold, eotf) {
        return Bisect::TooBig;
    }
    if tvi_condition(sample + 1, diff, tvi_threshold, eotf) {
        return Bisect::TooSmall;
    }
    Bisect::Correct
}

/// The largest luma `s` at which a step of `diff` is still visible, found by libvmaf's
/// bisection (0 when not even the foot qualifies, 1023 when the top of the range does).
pub fn tvi_for_diff(diff: i32, tvi_threshold: f64, eotf: Eotf) -> i32 {
    let mut foot = LUMA_FOOT;
    let mut head = LUMA_HEAD - diff - 1;
    match hard_threshold(foot, diff, tvi_threshold, eotf) {
        Bisect::TooBig => return 0,
        Bisect::Correct => return foot,
        Bisect::TooSmall => {}
    }
    match hard_threshold(head, diff, tvi_threshold, eotf) {
        Bisect::TooSmall => return MAX_10BIT,
        Bisect::Correct => return head,
        Bisect::TooBig => {}
    }
    // Invariant: condition(foot) and condition(foot + 1) hold, condition(head) does not, so
    // head > foot + 1 whenever the loop continues and it terminates.
    loop {
        let mid = foot + (head - foot) / 2;
        match hard_threshold(mid, diff, tvi_threshold, eotf) {
            Bisect::TooBig => head = mid,
            Bisect::TooSmall => foot = mid,
            Bisect::Correct => return mid,
        }
    }
}

/// The smallest luma whose luminance reaches `threshold`, or 0 when that is the foot itself
/// (so a zero threshold disables the test). `None` when no luma reaches it (libvmaf then
/// loops forever).
pub fn vlt_luma(threshold: f64, eotf: Eotf) -> Option<u16> {
    let mut sample = LUMA_FOOT;
    while luminance(sample, eotf) < threshold {
        sample += 1;
        if sample > LUMA_HEAD {
            return None;
        }
    }
    Some(if sample == LUMA_FOOT {
        0
    } else {
        sample as u16
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values from libvmaf's own unit tests (libvmaf/test/test_cambi.c).
    #[test]
    fn tvi_matches_libvmaf_tests() {
        assert_eq!(tvi_for_diff(1, 0.019, Eotf::Bt1886), 178);
        assert_eq!(tvi_for_diff(2, 0.019, Eotf::Bt1886), 305);
        assert_eq!(tvi_for_diff(3, 0.019, Eotf::Bt1886), 432);
        assert_eq!(tvi_for_diff(4, 0.019, Eotf::Bt1886), 559);
        assert!(tvi_condition(177, 1, 0.019, Eotf::Bt1886));
        assert!(tvi_condition(178, 1, 0.019, Eotf::Bt1886));
        assert!(!tvi_condition(179, 1, 0.019, Eotf::Bt1886));
        assert!(tvi_condition(935, 4, 0.01, Eotf::Bt1886));
        assert!(tvi_condition(936, 4, 0.01, Eotf::Bt1886));
        assert_eq!(
            hard_threshold(177, 1, 0.019, Eotf::Bt1886),
            Bisect::TooSmall
        );
        assert_eq!(hard_threshold(178, 1, 0.019, Eotf::Bt1886), Bisect::Correct);
        assert_eq!(hard_threshold(179, 1, 0.019, Eotf::Bt1886), Bisect::TooBig);
        assert_eq!(hard_threshold(305, 2, 0.019, Eotf::Bt1886), Bisect::Correct);
    }

    #[test]
    fn vlt_matches_libvmaf_tests() {
        assert_eq!(vlt_luma(0.0, Eotf::Bt1886), Some(0));
        assert_eq!(vlt_luma(0.06, Eotf::Bt1886), Some(78));
    }

    #[test]
    fn pq_thresholds() {
        // libvmaf-map.md §6.2 (checked with a replica of the C formulas on glibc pow).
        let t: Vec<i32> = (1..=4).map(|d| tvi_for_diff(d, 0.019, Eotf::Pq)).collect();
        assert_eq!(t, [233, 1023, 1023, 1023]);
    }
}
