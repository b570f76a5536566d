//! Feature-extractor options with libvmaf's parsing, normalisation and naming rules.
//!
//! libvmaf turns every numeric option value into `%g` of the value rounded to `f32` before
//! any extractor sees it, parses options with `atoi`/`atof`, and derives output feature
//! names from the options that differ from their defaults (see `libvmaf-map.md` §1.2–1.3).
//! This module reproduces those rules so output keys, de-duplication and model lookups line
//! up with libvmaf key for key.

use crate::error::{Error, Result};

/// An ordered `key → value` string dictionary (libvmaf's `VmafFeatureDictionary`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeatureDict {
    entries: Vec<(String, String)>,
}

impl FeatureDict {
    /// An empty dictionary.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `key` to `value`, normalising numeric values as libvmaf does (`%g` of `strtof`);
    /// an existing key is overwritten in place.
    pub fn set(&mut self, key: &str, value: &str) {
        let v = normalize_value(value);
        if let Some(e) = self.entries.iter_mut().find(|(k, _)| k == key) {
            e.1 = v;
        } else {
            self.entries.push((key.to_string(), v));
        }
    }
    /// Sets `key` unless it exists with a different value (then returns an error message).
    pub fn set_no_overwrite(&mut self, key: &str, value: &str) -> std::result::Result<(), String> {
        let v = normalize_value(value);
        if let Some((_, old)) = self.entries.iter().find(|(k, _)| k == key) {
            if *old != v {
                return Err(format!(
                    "duplicate key \"{key}\" with values \"{old}\" and \"{v}\""
                ));
            }
            return Ok(());
        }
        self.entries.push((key.to_string(), v));
        Ok(())
    }
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    /// Entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    /// `self` with every entry of `other` set on top (other wins).
    pub fn merged(&self, other: &FeatureDict) -> FeatureDict {
        let mut d = self.clone();
        for (k, v) in other.iter() {
            d.set(k, v);
        }
        d
    }
    /// Parses `key=value:key2=value2` (the CLI's `--feature name=...` tail).
    pub fn parse_colon_list(s: &str) -> Result<FeatureDict> {
        let mut d = FeatureDict::new();
        for part in s.split(':').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').ok_or_else(|| {
                Error::invalid(format!("option \"{part}\" is not of the form key=value"))
            })?;
            if k.is_empty() {
                return Err(Error::invalid(format!(
                    "option \"{part}\" has an empty key"
                )));
            }
            d.set(k, v);
        }
        Ok(d)
    }
}

/// libvmaf's `isnumeric`: `sscanf(s, "%f %c") == 1`.
pub fn is_numeric(s: &str) -> bool {
    let t = s.trim_start();
    let n = float_prefix_len(t);
    n > 0 && t[n..].trim().is_empty()
}

/// Normalises a value the way `vmaf_feature_dictionary_set` does: numeric strings become
/// `%g` of the value rounded to `f32`.
pub fn normalize_value(s: &str) -> String {
    if !is_numeric(s) {
        return s.to_string();
    }
    let t = s.trim_start();
    let n = float_prefix_len(t);
    let v = t[..n].parse::<f32>().map(|f| f as f64).unwrap_or(0.0);
    format_g(v)
}

/// Length of the longest prefix of `s` that C's `strtod` would consume (decimal, inf, nan).
fn float_prefix_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let rest = &s[i..];
    let lower = rest.to_ascii_lowercase();
    if lower.starts_with("infinity") {
        return i + 8;
    }
    if lower.starts_with("inf") || lower.starts_with("nan") {
        return i + 3;
    }
    let start = i;
    let mut digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        let _ = start;
        return 0;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        let ds = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > ds {
            i = j;
        }
    }
    i
}

/// C's `atof`: the longest float prefix, 0.0 when there is none.
pub fn c_atof(s: &str) -> f64 {
    let t = s.trim_start();
    let n = float_prefix_len(t);
    t[..n].parse::<f64>().unwrap_or(0.0)
}

/// C's `atoi`: optional sign and decimal digits, 0 when there are none (saturating).
pub fn c_atoi(s: &str) -> i32 {
    let t = s.trim_start().as_bytes();
    let mut i = 0;
    let mut neg = false;
    if i < t.len() && (t[i] == b'+' || t[i] == b'-') {
        neg = t[i] == b'-';
        i += 1;
    }
    let mut v: i64 = 0;
    while i < t.len() && t[i].is_ascii_digit() {
        v = (v * 10 + (t[i] - b'0') as i64).min(1 << 40);
        i += 1;
    }
    let v = if neg { -v } else { v };
    v.clamp(i32::MIN as i64, i32::MAX as i64) as i32
}

/// C's `printf("%g", v)`: 6 significant digits, trailing zeros removed.
pub fn format_g(v: f64) -> String {
    format_g_prec(v, 6)
}

/// C's `printf("%.{prec}g", v)`.
pub fn format_g_prec(v: f64, prec: usize) -> String {
    if v.is_nan() {
        return if v.is_sign_negative() {
            "-nan".into()
        } else {
            "nan".into()
        };
    }
    if v.is_infinite() {
        return if v < 0.0 { "-inf".into() } else { "inf".into() };
    }
    let p = prec.max(1);
    if v == 0.0 {
        return if v.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let e_repr = format!("{:.*e}", p - 1, v);
    let (mant, exp) = e_repr.split_once('e').expect("exponent");
    let x: i32 = exp.parse().expect("exponent digits");
    if x < -4 || x >= p as i32 {
        let m = strip_zeros(mant);
        let sign = if x < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", x.abs())
    } else {
        let decimals = (p as i32 - 1 - x) as usize;
        strip_zeros(&format!("{:.*}", decimals, v)).to_string()
    }
}

fn strip_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// Type, default and range of one option.
#[derive(Debug, Clone, Copy)]
pub enum OptKind {
    /// `true`/`false`.
    Bool {
        /// Default value.
        default: bool,
    },
    /// Integer parsed with `atoi`.
    Int {
        /// Default value (not range-checked, as in libvmaf).
        default: i32,
        /// Minimum accepted value.
        min: i32,
        /// Maximum accepted value.
        max: i32,
    },
    /// Double parsed with `atof`.
    Double {
        /// Default value (not range-checked, as in libvmaf).
        default: f64,
        /// Minimum accepted value.
        min: f64,
        /// Maximum accepted value.
        max: f64,
    },
    /// Free-form string.
    Str {
        /// Default value.
        default: &'static str,
    },
}

/// One option of a feature extractor (libvmaf's `VmafOption`).
#[derive(Debug, Clone, Copy)]
pub struct OptSpec {
    /// Option name (`adm_enhn_gain_limit`).
    pub name: &'static str,
    /// Short alias used in feature names (`egl`); `None` uses the name.
    pub alias: Option<&'static str>,
    /// Type, default and range.
    pub kind: OptKind,
    /// libvmaf's `VMAF_OPT_FLAG_FEATURE_PARAM`: a non-default value changes feature names.
    pub param: bool,
    /// One-line help.
    pub help: &'static str,
}

/// A parsed option value.
#[derive(Debug, Clone, PartialEq)]
pub enum OptValue {
    /// Boolean.
    Bool(bool),
    /// Integer.
    Int(i32),
    /// Double.
    Double(f64),
    /// String.
    Str(String),
}

/// Parsed options of one extractor instance.
#[derive(Debug, Clone)]
pub struct Options {
    extractor: &'static str,
    specs: &'static [OptSpec],
    values: Vec<OptValue>,
}

impl Options {
    /// Parses `dict` against `specs` with libvmaf's rules (`atoi`/`atof`, a parsed 0 must come
    /// from a string starting with '0', range checks, bools only `true`/`false`). Unknown keys
    /// are an error (libvmaf ignores them silently).
    pub fn parse(
        extractor: &'static str,
        specs: &'static [OptSpec],
        dict: &FeatureDict,
    ) -> Result<Options> {
        let err = |m: String| Error::FeatureOption {
            extractor: extractor.to_string(),
            message: m,
        };
        for (k, _) in dict.iter() {
            if !specs.iter().any(|s| s.name == k) {
                let known: Vec<&str> = specs.iter().map(|s| s.name).collect();
                return Err(err(format!(
                    "unknown option \"{k}\" (known: {})",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                )));
            }
        }
        let mut values = Vec::with_capacity(specs.len());
        for s in specs {
            let raw = dict.get(s.name);
            let v = match (s.kind, raw) {
                (OptKind::Bool { default }, None) => OptValue::Bool(default),
                (OptKind::Int { default, .. }, None) => OptValue::Int(default),
                (OptKind::Double { default, .. }, None) => OptValue::Double(default),
                (OptKind::Str { default }, None) => OptValue::Str(default.to_string()),
                (OptKind::Bool { .. }, Some(r)) => match r {
                    "true" => OptValue::Bool(true),
                    "false" => OptValue::Bool(false),
                    _ => {
                        return Err(err(format!(
                            "option {}: \"{r}\" is not true or false",
                            s.name
                        )))
                    }
                },
                (OptKind::Int { min, max, .. }, Some(r)) => {
                    let n = c_atoi(r);
                    if n == 0 && !r.starts_with('0') {
                        return Err(err(format!("option {}: \"{r}\" is not an integer", s.name)));
                    }
                    if n < min || n > max {
                        return Err(err(format!(
                            "option {}: {n} is out of range [{min}, {max}]",
                            s.name
                        )));
                    }
                    OptValue::Int(n)
                }
                (OptKind::Double { min, max, .. }, Some(r)) => {
                    let n = c_atof(r);
                    if n == 0.0 && !r.starts_with('0') {
                        return Err(err(format!("option {}: \"{r}\" is not a number", s.name)));
                    }
                    if n < min || n > max || n.is_nan() {
                        return Err(err(format!(
                            "option {}: {} is out of range [{}, {}]",
                            s.name,
                            format_g(n),
                            format_g(min),
                            format_g(max)
                        )));
                    }
                    OptValue::Double(n)
                }
                (OptKind::Str { .. }, Some(r)) => OptValue::Str(r.to_string()),
            };
            values.push(v);
        }
        Ok(Options {
            extractor,
            specs,
            values,
        })
    }

    /// Options with every default.
    pub fn defaults(extractor: &'static str, specs: &'static [OptSpec]) -> Options {
        Self::parse(extractor, specs, &FeatureDict::new()).expect("defaults always parse")
    }

    /// The extractor these options belong to.
    pub fn extractor(&self) -> &'static str {
        self.extractor
    }

    fn idx(&self, name: &str) -> usize {
        self.specs
            .iter()
            .position(|s| s.name == name)
            .unwrap_or_else(|| panic!("{}: no option named {name}", self.extractor))
    }
    /// Value of a bool option (panics on a wrong name or type: a programming error).
    pub fn bool(&self, name: &str) -> bool {
        match &self.values[self.idx(name)] {
            OptValue::Bool(b) => *b,
            v => panic!("option {name} is {v:?}, not bool"),
        }
    }
    /// Value of an int option.
    pub fn int(&self, name: &str) -> i32 {
        match &self.values[self.idx(name)] {
            OptValue::Int(i) => *i,
            v => panic!("option {name} is {v:?}, not int"),
        }
    }
    /// Value of a double option.
    pub fn double(&self, name: &str) -> f64 {
        match &self.values[self.idx(name)] {
            OptValue::Double(d) => *d,
            v => panic!("option {name} is {v:?}, not double"),
        }
    }
    /// Value of a string option.
    pub fn string(&self, name: &str) -> &str {
        match &self.values[self.idx(name)] {
            OptValue::Str(s) => s,
            v => panic!("option {name} is {v:?}, not string"),
        }
    }
    /// True when option `name` differs from its default.
    pub fn is_set(&self, name: &str) -> bool {
        let i = self.idx(name);
        !is_default(&self.specs[i], &self.values[i])
    }

    /// libvmaf's feature-name rule: `name` unchanged when every FEATURE_PARAM option has its
    /// default, else `alias(name)` followed by `_<alias>[_<value>]` per non-default option,
    /// sorted by option name, truncated to 255 characters.
    pub fn feature_name(&self, name: &str) -> String {
        let mut set: Vec<(&str, String)> = Vec::new();
        for (s, v) in self.specs.iter().zip(&self.values) {
            if !s.param || is_default(s, v) {
                continue;
            }
            let key = s.alias.unwrap_or(s.name);
            let part = match v {
                OptValue::Bool(_) => format!("_{key}"),
                OptValue::Int(i) => format!("_{key}_{i}"),
                OptValue::Double(d) => format!("_{key}_{}", format_g(*d)),
                OptValue::Str(st) => format!("_{key}_{st}"),
            };
            set.push((s.name, part));
        }
        if set.is_empty() {
            return name.to_string();
        }
        set.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let mut out = feature_alias(name).to_string();
        for (_, p) in set {
            out.push_str(&p);
        }
        if out.len() > 255 {
            let mut cut = 255;
            while !out.is_char_boundary(cut) {
                cut -= 1;
            }
            out.truncate(cut);
        }
        out
    }
}

fn is_default(s: &OptSpec, v: &OptValue) -> bool {
    match (s.kind, v) {
        (OptKind::Bool { default }, OptValue::Bool(b)) => default == *b,
        (OptKind::Int { default, .. }, OptValue::Int(i)) => default == *i,
        (OptKind::Double { default, .. }, OptValue::Double(d)) => default == *d,
        (OptKind::Str { default }, OptValue::Str(st)) => default == st,
        _ => false,
    }
}

/// libvmaf's alias table (`alias.c`): raw provided names → printed names.
const ALIASES: &[(&str, &str)] = &[
    ("VMAF_feature_adm2_score", "adm2"),
    ("VMAF_feature_aim_score", "aim"),
    ("VMAF_feature_adm3_score", "adm3"),
    ("VMAF_feature_adm_scale0_score", "adm_scale0"),
    ("VMAF_feature_adm_scale1_score", "adm_scale1"),
    ("VMAF_feature_adm_scale2_score", "adm_scale2"),
    ("VMAF_feature_adm_scale3_score", "adm_scale3"),
    ("VMAF_feature_motion_score", "motion"),
    ("VMAF_feature_motion2_score", "motion2"),
    ("VMAF_feature_motion3_score", "motion3"),
    ("VMAF_feature_vif_scale0_score", "vif_scale0"),
    ("VMAF_feature_vif_scale1_score", "vif_scale1"),
    ("VMAF_feature_vif_scale2_score", "vif_scale2"),
    ("VMAF_feature_vif_scale3_score", "vif_scale3"),
    ("VMAF_integer_feature_adm2_score", "integer_adm2"),
    ("VMAF_integer_feature_aim_score", "integer_aim"),
    ("VMAF_integer_feature_adm3_score", "integer_adm3"),
    ("VMAF_integer_feature_motion_score", "integer_motion"),
    ("VMAF_integer_feature_motion2_score", "integer_motion2"),
    ("VMAF_integer_feature_motion3_score", "integer_motion3"),
    (
        "VMAF_integer_feature_vif_scale0_score",
        "integer_vif_scale0",
    ),
    (
        "VMAF_integer_feature_vif_scale1_score",
        "integer_vif_scale1",
    ),
    (
        "VMAF_integer_feature_vif_scale2_score",
        "integer_vif_scale2",
    ),
    (
        "VMAF_integer_feature_vif_scale3_score",
        "integer_vif_scale3",
    ),
    ("Cambi_feature_cambi_score", "cambi"),
    (
        "Speed_chroma_feature_speed_chroma_u_score",
        "speed_chroma_u",
    ),
    (
        "Speed_chroma_feature_speed_chroma_v_score",
        "speed_chroma_v",
    ),
    (
        "Speed_chroma_feature_speed_chroma_uv_score",
        "speed_chroma_uv",
    ),
    (
        "Speed_temporal_feature_speed_temporal_score",
        "speed_temporal",
    ),
];

/// The printed name of a raw feature name (`VMAF_integer_feature_adm2_score` → `integer_adm2`);
/// names not in libvmaf's alias table are returned unchanged.
pub fn feature_alias(name: &str) -> &str {
    ALIASES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, a)| *a)
        .unwrap_or(name)
}

/// The raw name for a printed alias (`integer_adm2` → `VMAF_integer_feature_adm2_score`).
pub fn feature_unalias(alias: &str) -> &str {
    ALIASES
        .iter()
        .find(|(_, a)| *a == alias)
        .map(|(n, _)| *n)
        .unwrap_or(alias)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g_format_matches_c() {
        assert_eq!(format_g(1.0), "1");
        assert_eq!(format_g(0.5), "0.5");
        assert_eq!(format_g(100.0), "100");
        assert_eq!(format_g(1080.0), "1080");
        assert_eq!(format_g(3240000.0), "3.24e+06");
        assert_eq!(format_g(0.123456789), "0.123457");
        assert_eq!(format_g(0.0001), "0.0001");
        assert_eq!(format_g(0.00001), "1e-05");
        assert_eq!(format_g(0.03125), "0.03125");
        assert_eq!(format_g(123456.0), "123456");
        assert_eq!(format_g(1234567.0), "1.23457e+06");
        assert_eq!(format_g(-2.5), "-2.5");
        assert_eq!(format_g(0.0), "0");
        assert_eq!(format_g(f64::INFINITY), "inf");
        assert_eq!(format_g(999999.5), "1e+06");
    }

    #[test]
    fn normalisation_rounds_to_float() {
        assert_eq!(normalize_value("1.0000001"), "1");
        assert_eq!(normalize_value("0.123456789"), "0.123457");
        assert_eq!(normalize_value("0.7"), "0.7");
        assert_eq!(normalize_value("true"), "true");
        assert_eq!(normalize_value("bt1886"), "bt1886");
        assert_eq!(normalize_value("1.5x"), "1.5x");
        assert_eq!(normalize_value(" 3 "), "3");
        assert!(!is_numeric(""));
        assert!(!is_numeric("."));
    }

    #[test]
    fn c_parsers() {
        assert_eq!(c_atoi("2.5"), 2);
        assert_eq!(c_atoi("-7x"), -7);
        assert_eq!(c_atoi("x"), 0);
        assert_eq!(c_atof("1e3"), 1000.0);
        assert_eq!(c_atof("0.5abc"), 0.5);
    }

    const SPECS: &[OptSpec] = &[
        OptSpec {
            name: "b_opt",
            alias: Some("bo"),
            kind: OptKind::Bool { default: false },
            param: true,
            help: "",
        },
        OptSpec {
            name: "a_opt",
            alias: Some("zz"),
            kind: OptKind::Double {
                default: 100.0,
                min: 1.0,
                max: 100.0,
            },
            param: true,
            help: "",
        },
        OptSpec {
            name: "c_int",
            alias: None,
            kind: OptKind::Int {
                default: 5,
                min: 1,
                max: 9,
            },
            param: true,
            help: "",
        },
        OptSpec {
            name: "debug",
            alias: None,
            kind: OptKind::Bool { default: false },
            param: false,
            help: "",
        },
    ];

    #[test]
    fn naming_rule() {
        let o = Options::defaults("x", SPECS);
        assert_eq!(
            o.feature_name("VMAF_integer_feature_adm2_score"),
            "VMAF_integer_feature_adm2_score"
        );
        let mut d = FeatureDict::new();
        d.set("b_opt", "true");
        d.set("a_opt", "1.0");
        d.set("debug", "true");
        let o = Options::parse("x", SPECS, &d).unwrap();
        // sorted by option name (a_opt before b_opt), alias used, bool without value
        assert_eq!(
            o.feature_name("VMAF_integer_feature_adm2_score"),
            "integer_adm2_zz_1_bo"
        );
        assert_eq!(
            o.feature_name("integer_adm_scale0"),
            "integer_adm_scale0_zz_1_bo"
        );
        let mut d = FeatureDict::new();
        d.set("c_int", "7");
        let o = Options::parse("x", SPECS, &d).unwrap();
        assert_eq!(o.feature_name("motion"), "motion_c_int_7");
    }

    #[test]
    fn parse_errors() {
        let mut d = FeatureDict::new();
        d.set("a_opt", "0.5");
        assert!(Options::parse("x", SPECS, &d).is_err());
        let mut d = FeatureDict::new();
        d.set("c_int", "abc");
        assert!(Options::parse("x", SPECS, &d).is_err());
        let mut d = FeatureDict::new();
        d.set("b_opt", "1");
        assert!(Options::parse("x", SPECS, &d).is_err());
        let mut d = FeatureDict::new();
        d.set("nope", "1");
        assert!(Options::parse("x", SPECS, &d).is_err());
        let mut d = FeatureDict::new();
        d.set("c_int", "2.7");
        assert_eq!(Options::parse("x", SPECS, &d).unwrap().int("c_int"), 2);
    }
}
