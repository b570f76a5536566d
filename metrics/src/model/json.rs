//! libvmaf's JSON model format (`read_json_model.c`): only `model_dict` is read.

use serde_json::{Map, Value};

use super::{
    LoadedModel, Model, ModelCollection, ModelFeature, ModelFlags, ModelType, Normalization,
    ScoreTransform,
};
use crate::error::{Error, Result};
use crate::features;
use crate::options::FeatureDict;

const MAX_FEATURES: usize = 64;
const MAX_KNOTS: usize = 10;

struct Ctx<'a> {
    label: &'a str,
}

impl Ctx<'_> {
    fn err(&self, key: &str, msg: impl Into<String>) -> Error {
        Error::Model {
            model: self.label.to_string(),
            key: key.to_string(),
            message: msg.into(),
        }
    }
    fn num(&self, key: &str, v: &Value) -> Result<f64> {
        v.as_f64()
            .ok_or_else(|| self.err(key, format!("expected a number, found {}", kind(v))))
    }
    fn num_array(&self, key: &str, v: &Value) -> Result<Vec<f64>> {
        let a = v
            .as_array()
            .ok_or_else(|| self.err(key, format!("expected an array, found {}", kind(v))))?;
        a.iter().map(|x| self.num(key, x)).collect()
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Parses a model file: a single model (`{"model_dict": ...}`) or a collection
/// (`{"0": {"model_dict": ...}, "1": ...}`), as libvmaf's CLI does (single first, then collection).
pub(super) fn load(
    text: &str,
    label: &str,
    name: Option<&str>,
    flags: ModelFlags,
) -> Result<LoadedModel> {
    let ctx = Ctx { label };
    let root: Value =
        serde_json::from_str(text).map_err(|e| ctx.err("-", format!("invalid JSON: {e}")))?;
    let obj = root.as_object().ok_or_else(|| {
        ctx.err(
            "-",
            format!("the top level must be an object, found {}", kind(&root)),
        )
    })?;
    let name = name.unwrap_or("vmaf");
    if let Some(md) = obj.get("model_dict") {
        return Ok(LoadedModel::Single(parse_model(&ctx, md, name, flags)?));
    }
    if !obj.contains_key("0") {
        return Err(ctx.err(
            "model_dict",
            "missing (neither a model nor a model collection)",
        ));
    }
    let mut models = Vec::new();
    let mut i = 0usize;
    while let Some(m) = obj.get(&i.to_string()) {
        let mo = m.as_object().ok_or_else(|| {
            ctx.err(
                &i.to_string(),
                format!("expected an object, found {}", kind(m)),
            )
        })?;
        let md = mo
            .get("model_dict")
            .ok_or_else(|| ctx.err(&format!("{i}.model_dict"), "missing"))?;
        let mname = if i == 0 {
            name.to_string()
        } else {
            format!("{name}_{i:04}")
        };
        models.push(parse_model(&ctx, md, &mname, flags)?);
        i += 1;
    }
    if models.len() < 2 {
        return Err(ctx.err(
            "1",
            "a model collection needs at least one bootstrap member",
        ));
    }
    let primary = models.remove(0);
    let t = models[0].model_type;
    if models.iter().any(|m| m.model_type != t) {
        return Err(ctx.err(
            "model_type",
            "collection members have different model types",
        ));
    }
    Ok(LoadedModel::Collection(ModelCollection {
        name: name.to_string(),
        primary,
        members: models,
    }))
}

fn parse_model(ctx: &Ctx<'_>, md: &Value, name: &str, flags: ModelFlags) -> Result<Model> {
    let md: &Map<String, Value> = md.as_object().ok_or_else(|| {
        ctx.err(
            "model_dict",
            format!("expected an object, found {}", kind(md)),
        )
    })?;

    let model_type = match md.get("model_type") {
        Some(Value::String(s)) => match s.as_str() {
            "LIBSVMNUSVR" => ModelType::SvmNuSvr,
            "BOOTSTRAP_LIBSVMNUSVR" => ModelType::BootstrapSvmNuSvr,
            "RESIDUEBOOTSTRAP_LIBSVMNUSVR" => ModelType::ResidueBootstrapSvmNuSvr,
            other => return Err(ctx.err("model_type", format!("unknown model type \"{other}\""))),
        },
        Some(v) => {
            return Err(ctx.err(
                "model_type",
                format!("expected a string, found {}", kind(v)),
            ))
        }
        None => return Err(ctx.err("model_type", "missing")),
    };
    let norm = match md.get("norm_type") {
        Some(Value::String(s)) => match s.as_str() {
            "linear_rescale" => Normalization::LinearRescale,
            "none" => Normalization::None,
            other => {
                return Err(ctx.err(
                    "norm_type",
                    format!("unsupported normalisation \"{other}\""),
                ))
            }
        },
        Some(v) => {
            return Err(ctx.err("norm_type", format!("expected a string, found {}", kind(v))))
        }
        None => Normalization::None,
    };

    let names: Vec<String> = match md.get("feature_names") {
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str().map(str::to_string).ok_or_else(|| {
                    ctx.err(
                        "feature_names",
                        format!("expected strings, found {}", kind(v)),
                    )
                })
            })
            .collect::<Result<_>>()?,
        Some(v) => {
            return Err(ctx.err(
                "feature_names",
                format!("expected an array, found {}", kind(v)),
            ))
        }
        None => return Err(ctx.err("feature_names", "missing")),
    };
    if names.is_empty() {
        return Err(ctx.err("feature_names", "a model needs at least one feature"));
    }
    if names.len() > MAX_FEATURES {
        return Err(ctx.err(
            "feature_names",
            format!("more than {MAX_FEATURES} features"),
        ));
    }
    for n in &names {
        if features::by_feature_name(n).is_none() {
            return Err(ctx.err(
                "feature_names",
                format!("no feature extractor provides \"{n}\""),
            ));
        }
    }

    let (slope, slopes) = split_first(ctx, "slopes", md.get("slopes"), norm, names.len())?;
    let (intercept, intercepts) =
        split_first(ctx, "intercepts", md.get("intercepts"), norm, names.len())?;

    let mut opts = vec![FeatureDict::new(); names.len()];
    if let Some(v) = md.get("feature_opts_dicts") {
        let a = v.as_array().ok_or_else(|| {
            ctx.err(
                "feature_opts_dicts",
                format!("expected an array, found {}", kind(v)),
            )
        })?;
        if a.len() > names.len() {
            return Err(ctx.err(
                "feature_opts_dicts",
                "more option dictionaries than features",
            ));
        }
        for (i, d) in a.iter().enumerate() {
            let o = d.as_object().ok_or_else(|| {
                ctx.err(
                    "feature_opts_dicts",
                    format!("expected objects, found {}", kind(d)),
                )
            })?;
            for (k, v) in o {
                let val = match v {
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    Value::String(s) => s.clone(),
                    other => {
                        return Err(ctx.err(
                            "feature_opts_dicts",
                            format!("option \"{k}\": unsupported value {}", kind(other)),
                        ))
                    }
                };
                opts[i]
                    .set_no_overwrite(k, &val)
                    .map_err(|m| ctx.err("feature_opts_dicts", m))?;
            }
        }
    }
    let features: Vec<ModelFeature> = names
        .into_iter()
        .zip(opts)
        .enumerate()
        .map(|(i, (name, options))| ModelFeature {
            name,
            slope: slopes.get(i).copied().unwrap_or(0.0),
            intercept: intercepts.get(i).copied().unwrap_or(0.0),
            options,
        })
        .collect();
    // Option dictionaries must parse for their extractors (typed error naming the key).
    for f in &features {
        let def = features::by_feature_name(&f.name).expect("checked above");
        def.parse_options(&f.options)
            .map_err(|e| ctx.err("feature_opts_dicts", e.to_string()))?;
    }

    let transform = match md.get("score_transform") {
        None => None,
        Some(v) => {
            let mut t = parse_transform(ctx, v)?;
            if flags.enable_transform {
                t.enabled = true;
            }
            Some(t)
        }
    };
    let clip = match md.get("score_clip") {
        None => None,
        Some(v) => {
            let a = ctx.num_array("score_clip", v)?;
            if a.len() != 2 {
                return Err(ctx.err(
                    "score_clip",
                    format!("expected [min, max], found {} numbers", a.len()),
                ));
            }
            if flags.disable_clip {
                None
            } else {
                Some((a[0], a[1]))
            }
        }
    };
    let chroma_correction = match md.get("chroma_correction_parameter") {
        None => None,
        Some(v) => Some(ctx.num("chroma_correction_parameter", v)?),
    };
    let svm_text = match md.get("model") {
        Some(Value::String(s)) => s,
        Some(v) => {
            return Err(ctx.err(
                "model",
                format!("expected a libsvm model string, found {}", kind(v)),
            ))
        }
        None => return Err(ctx.err("model", "missing")),
    };
    let svm = super::svm::Svm::parse(svm_text).map_err(|m| ctx.err("model", m))?;

    Ok(Model {
        name: name.to_string(),
        model_type,
        norm,
        slope,
        intercept,
        features,
        transform,
        clip,
        chroma_correction,
        svm,
    })
}

fn split_first(
    ctx: &Ctx<'_>,
    key: &str,
    v: Option<&Value>,
    norm: Normalization,
    n_features: usize,
) -> Result<(f64, Vec<f64>)> {
    match v {
        None if norm == Normalization::None => Ok((0.0, Vec::new())),
        None => Err(ctx.err(key, "missing (required by linear_rescale)")),
        Some(v) => {
            let a = ctx.num_array(key, v)?;
            if a.is_empty() {
                return Err(ctx.err(key, "empty"));
            }
            if norm == Normalization::LinearRescale && a.len() != n_features + 1 {
                return Err(ctx.err(
                    key,
                    format!(
                        "expected {} numbers (output + one per feature), found {}",
                        n_features + 1,
                        a.len()
                    ),
                ));
            }
            Ok((a[0], a[1..].to_vec()))
        }
    }
}

fn parse_transform(ctx: &Ctx<'_>, v: &Value) -> Result<ScoreTransform> {
    let o = v.as_object().ok_or_else(|| {
        ctx.err(
            "score_transform",
            format!("expected an object, found {}", kind(v)),
        )
    })?;
    let mut t = ScoreTransform::default();
    for (k, v) in o {
        let key = format!("score_transform.{k}");
        match k.as_str() {
            "enabled" => {
                t.enabled = v.as_bool().ok_or_else(|| {
                    ctx.err(&key, format!("expected true or false, found {}", kind(v)))
                })?
            }
            "p0" | "p1" | "p2" => {
                // libvmaf fails to load a model with a null coefficient (its parser does not
                // consume the null); we refuse it with a clear message.
                let x = ctx.num(&key, v)?;
                match k.as_str() {
                    "p0" => t.p0 = Some(x),
                    "p1" => t.p1 = Some(x),
                    _ => t.p2 = Some(x),
                }
            }
            "knots" => {
                let a = v.as_array().ok_or_else(|| {
                    ctx.err(
                        &key,
                        format!("expected an array of [x, y], found {}", kind(v)),
                    )
                })?;
                if a.len() > MAX_KNOTS {
                    return Err(ctx.err(&key, format!("more than {MAX_KNOTS} knots")));
                }
                let mut knots = Vec::new();
                for p in a {
                    let xy = ctx.num_array(&key, p)?;
                    if xy.len() != 2 {
                        return Err(ctx.err(&key, "each knot is [x, y]"));
                    }
                    knots.push((xy[0], xy[1]));
                }
                t.knots = Some(knots);
            }
            "out_lte_in" | "out_gte_in" => {
                let s = v.as_str().ok_or_else(|| {
                    ctx.err(
                        &key,
                        format!("expected the string \"true\", found {}", kind(v)),
                    )
                })?;
                if s == "true" {
                    if k == "out_lte_in" {
                        t.out_lte_in = true;
                    } else {
                        t.out_gte_in = true;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model_json(extra: &str) -> String {
        format!(
            r#"{{"model_dict": {{"model_type": "LIBSVMNUSVR", "norm_type": "linear_rescale",
            "feature_names": ["VMAF_integer_feature_adm2_score"], "slopes": [1.0, 2.0],
            "intercepts": [0.0, 0.5], "score_clip": [0.0, 100.0],
            "model": "svm_type nu_svr\nkernel_type rbf\ngamma 0.5\nnr_class 2\ntotal_sv 1\nrho 0\nSV\n1 1:0.5 \n"{extra}}}}}"#
        )
    }

    #[test]
    fn loads_minimal_model() {
        let m = load(&model_json(""), "t", None, ModelFlags::default()).unwrap();
        let LoadedModel::Single(m) = m else { panic!() };
        assert_eq!(m.features[0].slope, 2.0);
        assert_eq!(m.features[0].intercept, 0.5);
        assert_eq!(m.slope, 1.0);
    }

    fn err_key(text: &str) -> String {
        match load(text, "t", None, ModelFlags::default()) {
            Err(Error::Model { key, .. }) => key,
            other => panic!("expected a model error, got {other:?}"),
        }
    }

    #[test]
    fn malformed_models_name_the_key() {
        assert_eq!(err_key("[]"), "-");
        assert_eq!(err_key("{"), "-");
        assert_eq!(err_key("{}"), "model_dict");
        assert_eq!(
            err_key(&model_json(r#", "score_transform": {"p2": null}"#)),
            "score_transform.p2"
        );
        assert_eq!(
            err_key(&model_json(r#", "chroma_correction_parameter": "x""#)),
            "chroma_correction_parameter"
        );
        assert_eq!(
            err_key(
                &model_json("").replace("\"score_clip\": [0.0, 100.0]", "\"score_clip\": null")
            ),
            "score_clip"
        );
        assert_eq!(
            err_key(&model_json("").replace("LIBSVMNUSVR", "XGB")),
            "model_type"
        );
        assert_eq!(err_key(&model_json("").replace("rbf", "rbx")), "model");
        assert_eq!(
            err_key(&model_json("").replace("VMAF_integer_feature_adm2_score", "nope")),
            "feature_names"
        );
        assert_eq!(
            err_key(&model_json("").replace("[1.0, 2.0]", "[1.0]")),
            "slopes"
        );
        assert_eq!(
            err_key(&model_json(
                r#", "feature_opts_dicts": [{"adm_enhn_gain_limit": 0.2}]"#
            )),
            "feature_opts_dicts"
        );
    }
}
