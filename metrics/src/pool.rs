//! Temporal pooling of per-frame scores, as libvmaf computes it.

use crate::collector::Collector;

/// A pooling method.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PoolMethod {
    /// Minimum.
    Min,
    /// Maximum.
    Max,
    /// Arithmetic mean.
    Mean,
    /// libvmaf's harmonic mean: `n / Σ 1/(x+1) - 1`.
    HarmonicMean,
    /// Percentile `p` in [0, 100] (rvmaf extension), linear interpolation between the sorted
    /// values at position `p (n-1) / 100` (the rule libvmaf uses for bootstrap intervals).
    Percentile(f64),
}

impl PoolMethod {
    /// The standard methods in libvmaf's output order.
    pub const STANDARD: [PoolMethod; 4] = [
        PoolMethod::Min,
        PoolMethod::Max,
        PoolMethod::Mean,
        PoolMethod::HarmonicMean,
    ];

    /// Name used in outputs (`min`, `max`, `mean`, `harmonic_mean`, `p5`, `p2.5`).
    pub fn name(&self) -> String {
        match self {
            PoolMethod::Min => "min".into(),
            PoolMethod::Max => "max".into(),
            PoolMethod::Mean => "mean".into(),
            PoolMethod::HarmonicMean => "harmonic_mean".into(),
            PoolMethod::Percentile(p) => format!("p{p}"),
        }
    }

    /// Parses `min`, `max`, `mean`, `harmonic_mean` or a percentile `pN` (0 ≤ N ≤ 100).
    pub fn parse(s: &str) -> Option<PoolMethod> {
        Some(match s {
            "min" => PoolMethod::Min,
            "max" => PoolMethod::Max,
            "mean" => PoolMethod::Mean,
            "harmonic_mean" => PoolMethod::HarmonicMean,
            _ => {
                let p: f64 = s.strip_prefix('p')?.parse().ok()?;
                if !(0.0..=100.0).contains(&p) {
                    return None;
                }
                PoolMethod::Percentile(p)
            }
        })
    }
}

/// Pools `name` over frames `lo..=hi`, skipping indices not divisible by `subsample` (when > 1).
/// `None` when any kept index has no score (libvmaf then omits the method).
pub fn pool(
    collector: &Collector,
    name: &str,
    method: PoolMethod,
    lo: usize,
    hi: usize,
    subsample: usize,
) -> Option<f64> {
    if lo > hi {
        return None;
    }
    let mut n = 0usize;
    let (mut min, mut max, mut sum, mut isum) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    let mut values = Vec::new();
    for i in lo..=hi {
        if subsample > 1 && i % subsample != 0 {
            continue;
        }
        n += 1;
        let s = collector.get(name, i)?;
        sum += s;
        isum += 1.0 / (s + 1.0);
        // libvmaf initialises min/max from index `lo` even when `lo` itself is skipped; it
        // never is here because `lo` is 0 in every caller.
        if i == lo || s < min {
            min = s;
        }
        if i == lo || s > max {
            max = s;
        }
        if matches!(method, PoolMethod::Percentile(_)) {
            values.push(s);
        }
    }
    Some(match method {
        PoolMethod::Min => min,
        PoolMethod::Max => max,
        PoolMethod::Mean => sum / n as f64,
        PoolMethod::HarmonicMean => n as f64 / isum - 1.0,
        PoolMethod::Percentile(p) => {
            values.sort_by(|a, b| a.total_cmp(b));
            percentile_sorted(&values, p)
        }
    })
}

/// Linear-interpolated percentile of sorted values (position `p (n-1) / 100`).
pub fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = p * (sorted.len() as f64 - 1.0) / 100.0;
    let l = pos.floor() as usize;
    let r = pos.ceil() as usize;
    if l == r {
        sorted[l]
    } else {
        sorted[l] * (r as f64 - pos) + sorted[r] * (pos - l as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_like_libvmaf() {
        let mut c = Collector::new();
        for (i, v) in [1.0, 3.0, 2.0, 10.0].iter().enumerate() {
            c.append("x", i, *v).unwrap();
        }
        assert_eq!(pool(&c, "x", PoolMethod::Mean, 0, 3, 1), Some(4.0));
        assert_eq!(pool(&c, "x", PoolMethod::Min, 0, 3, 1), Some(1.0));
        assert_eq!(pool(&c, "x", PoolMethod::Max, 0, 3, 1), Some(10.0));
        let h = 4.0 / (1.0 / 2.0 + 1.0 / 4.0 + 1.0 / 3.0 + 1.0 / 11.0) - 1.0;
        assert_eq!(pool(&c, "x", PoolMethod::HarmonicMean, 0, 3, 1), Some(h));
        assert_eq!(pool(&c, "x", PoolMethod::Mean, 0, 3, 2), Some(1.5));
        assert_eq!(
            pool(&c, "x", PoolMethod::Percentile(50.0), 0, 3, 1),
            Some(2.5)
        );
        assert_eq!(pool(&c, "x", PoolMethod::Mean, 0, 4, 1), None);
        assert_eq!(PoolMethod::parse("p5"), Some(PoolMethod::Percentile(5.0)));
        assert_eq!(PoolMethod::parse("p101"), None);
        assert_eq!(PoolMethod::parse("median"), None);
        assert_eq!(PoolMethod::Percentile(2.5).name(), "p2.5");
    }
}
