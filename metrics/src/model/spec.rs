//! libvmaf's model option strings: `version=NAME|path=FILE[:name=N][:disable_clip]
//! [:enable_transform][:<extractor>.<option>=<value>...]`.

use std::path::Path;

use super::{LoadedModel, ModelFlags};
use crate::error::{Error, Result};
use crate::options::FeatureDict;

/// A model request as written after `-m`/`--model`.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpec {
    /// Built-in model name (`version=`).
    pub version: Option<String>,
    /// Model file (`path=`).
    pub path: Option<String>,
    /// Output name of the score (`name=`, default `vmaf`).
    pub name: String,
    /// `disable_clip` / `enable_transform`.
    pub flags: ModelFlags,
    /// Feature overloads `(extractor, options)` in order.
    pub overloads: Vec<(String, FeatureDict)>,
}

impl ModelSpec {
    /// The built-in model `version`, named `vmaf`.
    pub fn builtin(version: &str) -> ModelSpec {
        ModelSpec {
            version: Some(version.to_string()),
            path: None,
            name: "vmaf".into(),
            flags: ModelFlags::default(),
            overloads: Vec::new(),
        }
    }

    /// Parses a libvmaf model string. A bare word that is a built-in model name or ends in
    /// `.json` is accepted as `version=` / `path=` (rvmaf convenience).
    pub fn parse(s: &str) -> Result<ModelSpec> {
        let mut m = ModelSpec::builtin("");
        m.version = None;
        let bad = |msg: String| Error::invalid(format!("model \"{s}\": {msg}"));
        for kv in s.split(':') {
            let (key, val) = match kv.split_once('=') {
                Some((k, v)) => (k, v.to_string()),
                None if kv == "disable_clip" || kv == "enable_transform" => {
                    (kv, "true".to_string())
                }
                None if m.version.is_none()
                    && m.path.is_none()
                    && super::builtin_model_json(kv).is_some() =>
                {
                    ("version", kv.to_string())
                }
                None if m.version.is_none() && m.path.is_none() && kv.ends_with(".json") => {
                    ("path", kv.to_string())
                }
                None => return Err(bad(format!("bad option string \"{kv}\""))),
            };
            match key {
                "path" => m.path = Some(val),
                "version" => m.version = Some(val),
                "name" => {
                    if val.is_empty() {
                        return Err(bad("empty name".into()));
                    }
                    m.name = val
                }
                "disable_clip" => m.flags.disable_clip = val == "true",
                "enable_transform" => m.flags.enable_transform = val == "true",
                _ => {
                    let (ext, opt) = key.split_once('.').ok_or_else(|| {
                        bad(format!(
                            "\"{key}\" is not a model option; feature overloads are <extractor>.<option>=<value>"
                        ))
                    })?;
                    if ext.is_empty() || opt.is_empty() {
                        return Err(bad(format!("bad feature overload \"{kv}\"")));
                    }
                    let mut d = FeatureDict::new();
                    d.set(opt, &val);
                    m.overloads.push((ext.to_string(), d));
                }
            }
        }
        if m.version.is_none() && m.path.is_none() {
            return Err(bad("needs version=NAME or path=FILE".into()));
        }
        Ok(m)
    }

    /// What libvmaf prints for this model on the console (the version or the path).
    pub fn label(&self) -> &str {
        self.version
            .as_deref()
            .or(self.path.as_deref())
            .unwrap_or("")
    }

    /// Loads the model and applies the overloads.
    pub fn load(&self) -> Result<LoadedModel> {
        let mut m = match (&self.version, &self.path) {
            (Some(v), _) => LoadedModel::builtin(v, Some(&self.name), self.flags)?,
            (None, Some(p)) => LoadedModel::from_path(Path::new(p), Some(&self.name), self.flags)?,
            (None, None) => return Err(Error::invalid("model needs version= or path=")),
        };
        for (ext, d) in &self.overloads {
            m.overload(ext, d)?;
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_libvmaf_strings() {
        let m =
            ModelSpec::parse("version=vmaf_v0.6.1:name=x:disable_clip:adm.adm_enhn_gain_limit=1.0")
                .unwrap();
        assert_eq!(m.version.as_deref(), Some("vmaf_v0.6.1"));
        assert_eq!(m.name, "x");
        assert!(m.flags.disable_clip);
        assert_eq!(m.overloads[0].0, "adm");
        assert_eq!(m.overloads[0].1.get("adm_enhn_gain_limit"), Some("1"));
        let m = ModelSpec::parse("path=/a/b.json:enable_transform=true").unwrap();
        assert!(m.flags.enable_transform);
        assert_eq!(m.name, "vmaf");
        assert_eq!(
            ModelSpec::parse("vmaf_4k_v0.6.1")
                .unwrap()
                .version
                .as_deref(),
            Some("vmaf_4k_v0.6.1")
        );
        assert!(ModelSpec::parse("name=x").is_err());
        assert!(ModelSpec::parse("version=vmaf_v0.6.1:bogus").is_err());
        assert!(ModelSpec::parse("version=vmaf_v0.6.1:adm=1").is_err());
    }
}
