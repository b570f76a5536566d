//! Output files in libvmaf's XML, JSON, CSV and subtitle schemas, byte for byte.
//!
//! Key order is the collector's first-append order; pooled blocks carry min, max, mean and
//! harmonic_mean (plus any percentiles asked for); numbers use libvmaf's rule of 6 decimals,
//! or 16 when the fraction has more than 6 leading zeros.

use std::io::{self, Write};

use crate::collector::Collector;
use crate::options::feature_alias;
use crate::pool::{pool, PoolMethod};

/// libvmaf's version string, written in every output.
pub const LIBVMAF_VERSION: &str = "3.2.0";

/// Output file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// `<VMAF version=...>` (libvmaf's default).
    Xml,
    /// JSON.
    Json,
    /// CSV, one row per frame.
    Csv,
    /// MicroDVD-style subtitles.
    Sub,
}

impl OutputFormat {
    /// Parses `xml`, `json`, `csv` or `sub`.
    pub fn parse(s: &str) -> Option<OutputFormat> {
        Some(match s.to_ascii_lowercase().as_str() {
            "xml" => OutputFormat::Xml,
            "json" => OutputFormat::Json,
            "csv" => OutputFormat::Csv,
            "sub" => OutputFormat::Sub,
            _ => return None,
        })
    }
}

/// Number formatting of outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// `N` decimals (libvmaf: 6), or 16 when the fraction has more than `N` leading zeros.
    Digits(usize),
    /// Shortest representation that round-trips to the exact double.
    Max,
}

impl Default for Precision {
    fn default() -> Self {
        Precision::Digits(6)
    }
}

/// What the writers need to know besides the scores.
#[derive(Debug, Clone, Default)]
pub struct OutputOptions {
    /// Number formatting.
    pub precision: Precision,
    /// Pooling methods after the standard four (percentiles).
    pub extra_pools: Vec<PoolMethod>,
}

/// The scores and run facts an output is written from.
#[derive(Debug, Clone, Copy)]
pub struct OutputData<'a> {
    /// Every score.
    pub collector: &'a Collector,
    /// Frames read.
    pub frame_count: usize,
    /// Score every N-th frame.
    pub subsample: usize,
    /// Luma width.
    pub width: usize,
    /// Luma height.
    pub height: usize,
    /// Frames per second of the run, if known.
    pub fps: Option<f64>,
}

/// libvmaf's `count_leading_zeros_d`: zeros after the decimal point before the first non-zero
/// digit, by repeated multiplication by 10.
fn leading_zeros(x: f64) -> i32 {
    let x = x.abs();
    // `(int)x` in C; saturating here (UB in C beyond 2^31).
    let int_part = if x >= 2147483648.0 {
        2147483647.0
    } else {
        (x as i32) as f64
    };
    let mut frac = x - int_part;
    let mut n = 0;
    while frac < 1.0 && frac != 0.0 {
        frac *= 10.0;
        n += 1;
    }
    n
}

/// Formats `x` like libvmaf (`%.6f`, or `%.16f` for tiny fractions) at the given precision.
pub fn format_number(x: f64, precision: Precision) -> String {
    match precision {
        Precision::Max => {
            if x == 0.0 {
                "0".into()
            } else {
                format!("{x}")
            }
        }
        Precision::Digits(d) => {
            if leading_zeros(x) <= d as i32 {
                format!("{x:.d$}")
            } else {
                format!("{x:.16}")
            }
        }
    }
}

fn xml_number(x: f64, p: Precision) -> String {
    if x.is_nan() {
        if x.is_sign_negative() {
            "-nan".into()
        } else {
            "nan".into()
        }
    } else if x.is_infinite() {
        if x < 0.0 {
            "-inf".into()
        } else {
            "inf".into()
        }
    } else {
        format_number(x, p)
    }
}

fn methods(opts: &OutputOptions) -> Vec<PoolMethod> {
    PoolMethod::STANDARD
        .iter()
        .copied()
        .chain(opts.extra_pools.iter().copied())
        .collect()
}

/// Frame indices that get a row: every index below the highest written one, kept by the
/// subsample rule, with at least one score.
fn kept_frames(d: &OutputData<'_>) -> Vec<usize> {
    let c = d.collector;
    (0..c.frame_count())
        .filter(|i| !(d.subsample > 1 && i % d.subsample != 0))
        .filter(|&i| c.names().iter().any(|n| c.get(n, i).is_some()))
        .collect()
}

fn pooled_values(d: &OutputData<'_>, name: &str, opts: &OutputOptions) -> Vec<(String, f64)> {
    if d.frame_count == 0 {
        return Vec::new();
    }
    methods(opts)
        .into_iter()
        .filter_map(|m| {
            pool(d.collector, name, m, 0, d.frame_count - 1, d.subsample).map(|v| (m.name(), v))
        })
        .collect()
}

/// Writes `data` in `format`.
pub fn write_output(
    w: &mut dyn Write,
    format: OutputFormat,
    data: &OutputData<'_>,
    opts: &OutputOptions,
) -> io::Result<()> {
    match format {
        OutputFormat::Xml => write_xml(w, data, opts),
        OutputFormat::Json => write_json(w, data, opts),
        OutputFormat::Csv => write_csv(w, data, opts),
        OutputFormat::Sub => write_sub(w, data, opts),
    }
}

fn fps_str(fps: Option<f64>) -> Option<String> {
    fps.filter(|f| f.is_finite()).map(|f| format!("{f:.2}"))
}

/// libvmaf's XML schema.
pub fn write_xml(w: &mut dyn Write, d: &OutputData<'_>, opts: &OutputOptions) -> io::Result<()> {
    let p = opts.precision;
    let c = d.collector;
    writeln!(w, "<VMAF version=\"{LIBVMAF_VERSION}\">")?;
    writeln!(
        w,
        "  <params qualityWidth=\"{}\" qualityHeight=\"{}\" />",
        d.width, d.height
    )?;
    let fps = fps_str(d.fps).unwrap_or_else(|| "nan".into());
    writeln!(w, "  <fyi fps=\"{fps}\" />")?;
    writeln!(w, "  <frames>")?;
    for i in kept_frames(d) {
        write!(w, "    <frame frameNum=\"{i}\" ")?;
        for n in c.names() {
            if let Some(v) = c.get(n, i) {
                write!(w, "{}=\"{}\" ", feature_alias(n), xml_number(v, p))?;
            }
        }
        writeln!(w, "/>")?;
    }
    writeln!(w, "  </frames>")?;
    writeln!(w, "  <pooled_metrics>")?;
    for n in c.names() {
        write!(w, "    <metric name=\"{}\" ", feature_alias(n))?;
        for (m, v) in pooled_values(d, n, opts) {
            write!(w, "{m}=\"{}\" ", xml_number(v, p))?;
        }
        writeln!(w, "/>")?;
    }
    writeln!(w, "  </pooled_metrics>")?;
    write!(w, "  <aggregate_metrics ")?;
    for (n, v) in c.aggregates() {
        write!(w, "{n}=\"{}\" ", xml_number(*v, p))?;
    }
    writeln!(w, "/>")?;
    writeln!(w, "</VMAF>")?;
    Ok(())
}

/// libvmaf's JSON schema (same indentation, key order and null rules).
pub fn write_json(w: &mut dyn Write, d: &OutputData<'_>, opts: &OutputOptions) -> io::Result<()> {
    let p = opts.precision;
    let c = d.collector;
    writeln!(w, "{{")?;
    writeln!(w, "  \"version\": \"{LIBVMAF_VERSION}\",")?;
    match fps_str(d.fps) {
        Some(f) => writeln!(w, "  \"fps\": {f},")?,
        None => writeln!(w, "  \"fps\": null,")?,
    }
    write!(w, "  \"frames\": [")?;
    for (k, i) in kept_frames(d).into_iter().enumerate() {
        write!(w, "{}", if k > 0 { ",\n" } else { "\n" })?;
        writeln!(w, "    {{")?;
        writeln!(w, "      \"frameNum\": {i},")?;
        writeln!(w, "      \"metrics\": {{")?;
        let written: Vec<(&String, f64)> = c
            .names()
            .iter()
            .filter_map(|n| c.get(n, i).map(|v| (n, v)))
            .collect();
        let cnt = written.len();
        for (j, (n, v)) in written.into_iter().enumerate() {
            let sep = if j + 1 < cnt { "," } else { "" };
            if v.is_finite() {
                writeln!(
                    w,
                    "        \"{}\": {}{sep}",
                    feature_alias(n),
                    format_number(v, p)
                )?;
            } else {
                // libvmaf prints a null without its line break.
                write!(w, "        \"{}\": null{sep}", feature_alias(n))?;
            }
        }
        writeln!(w, "      }}")?;
        write!(w, "    }}")?;
    }
    writeln!(w, "\n  ],")?;
    write!(w, "  \"pooled_metrics\": {{")?;
    for (i, n) in c.names().iter().enumerate() {
        write!(w, "{}", if i > 0 { ",\n" } else { "\n" })?;
        write!(w, "    \"{}\": {{", feature_alias(n))?;
        for (j, (m, v)) in pooled_values(d, n, opts).into_iter().enumerate() {
            write!(w, "{}", if j > 0 { ",\n" } else { "\n" })?;
            if v.is_finite() {
                write!(w, "      \"{m}\": {}", format_number(v, p))?;
            } else {
                write!(w, "      \"{m}\": null")?;
            }
        }
        writeln!(w)?;
        write!(w, "    }}")?;
    }
    writeln!(w, "\n  }},")?;
    write!(w, "  \"aggregate_metrics\": {{")?;
    let aggs = c.aggregates();
    for (i, (n, v)) in aggs.iter().enumerate() {
        if v.is_finite() {
            write!(w, "\n    \"{n}\": {}", format_number(*v, p))?;
        } else {
            write!(w, "\n    \"{n}\": null")?;
        }
        write!(w, "{}", if i + 1 < aggs.len() { "," } else { "" })?;
    }
    writeln!(w, "\n  }}")?;
    writeln!(w, "}}")?;
    Ok(())
}

/// libvmaf's CSV: a header of every key, then one row per frame with the values written at
/// that frame (a missing value shifts the row, as in libvmaf).
pub fn write_csv(w: &mut dyn Write, d: &OutputData<'_>, opts: &OutputOptions) -> io::Result<()> {
    let c = d.collector;
    write!(w, "Frame,")?;
    for n in c.names() {
        write!(w, "{},", feature_alias(n))?;
    }
    writeln!(w)?;
    for i in kept_frames(d) {
        write!(w, "{i},")?;
        for n in c.names() {
            if let Some(v) = c.get(n, i) {
                write!(w, "{},", xml_number(v, opts.precision))?;
            }
        }
        writeln!(w)?;
    }
    Ok(())
}

/// libvmaf's subtitle format: `{i}{i+1}frame: i|key: value|...`.
pub fn write_sub(w: &mut dyn Write, d: &OutputData<'_>, opts: &OutputOptions) -> io::Result<()> {
    let c = d.collector;
    for i in kept_frames(d) {
        write!(w, "{{{i}}}{{{}}}frame: {i}|", i + 1)?;
        for n in c.names() {
            if let Some(v) = c.get(n, i) {
                write!(
                    w,
                    "{}: {}|",
                    feature_alias(n),
                    xml_number(v, opts.precision)
                )?;
            }
        }
        writeln!(w)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_rule() {
        let p = Precision::default();
        assert_eq!(format_number(89.32538308044425, p), "89.325383");
        assert_eq!(format_number(0.0, p), "0.000000");
        assert_eq!(format_number(1e-7, p), "0.0000001000000000");
        assert_eq!(format_number(5.00000001, p), "5.0000000099999999");
        assert_eq!(format_number(100.0, p), "100.000000");
        assert_eq!(format_number(0.5, Precision::Max), "0.5");
        assert_eq!(
            format_number(89.32538308044425, Precision::Max),
            "89.32538308044425"
        );
        assert_eq!(format_number(1.5, Precision::Digits(2)), "1.50");
    }

    fn sample() -> Collector {
        let mut c = Collector::new();
        c.append("a", 0, 1.0).unwrap();
        c.append("a", 1, 3.0).unwrap();
        c.append("b", 0, f64::INFINITY).unwrap();
        c.append("b", 1, 2.0).unwrap();
        c
    }

    #[test]
    fn json_layout() {
        let c = sample();
        let d = OutputData {
            collector: &c,
            frame_count: 2,
            subsample: 1,
            width: 4,
            height: 2,
            fps: None,
        };
        let mut out = Vec::new();
        write_json(&mut out, &d, &OutputOptions::default()).unwrap();
        let s = String::from_utf8(out).unwrap();
        let want = "{\n  \"version\": \"3.2.0\",\n  \"fps\": null,\n  \"frames\": [\n    {\n      \"frameNum\": 0,\n      \"metrics\": {\n        \"a\": 1.000000,\n        \"b\": null      }\n    },\n    {\n      \"frameNum\": 1,\n      \"metrics\": {\n        \"a\": 3.000000,\n        \"b\": 2.000000\n      }\n    }\n  ],\n  \"pooled_metrics\": {\n    \"a\": {\n      \"min\": 1.000000,\n      \"max\": 3.000000,\n      \"mean\": 2.000000,\n      \"harmonic_mean\": 1.666667\n    },\n    \"b\": {\n      \"min\": 2.000000,\n      \"max\": null,\n      \"mean\": null,\n      \"harmonic_mean\": 5.000000\n    }\n  },\n  \"aggregate_metrics\": {\n  }\n}\n";
        assert_eq!(s, want);
        let _: serde_json::Value = serde_json::from_str(&s).unwrap();
    }

    #[test]
    fn xml_csv_sub_layout() {
        let c = sample();
        let d = OutputData {
            collector: &c,
            frame_count: 2,
            subsample: 1,
            width: 4,
            height: 2,
            fps: Some(12.345),
        };
        let o = OutputOptions::default();
        let mut out = Vec::new();
        write_xml(&mut out, &d, &o).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.starts_with("<VMAF version=\"3.2.0\">\n  <params qualityWidth=\"4\" qualityHeight=\"2\" />\n  <fyi fps=\"12.35\" />\n  <frames>\n    <frame frameNum=\"0\" a=\"1.000000\" b=\"inf\" />\n"));
        assert!(s.ends_with("  <aggregate_metrics />\n</VMAF>\n"));
        let mut out = Vec::new();
        write_csv(&mut out, &d, &o).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Frame,a,b,\n0,1.000000,inf,\n1,3.000000,2.000000,\n"
        );
        let mut out = Vec::new();
        write_sub(&mut out, &d, &o).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{0}{1}frame: 0|a: 1.000000|b: inf|\n{1}{2}frame: 1|a: 3.000000|b: 2.000000|\n"
        );
    }
}
