//! Built-in models, embedded at build time from the model source directory.

include!(concat!(env!("OUT_DIR"), "/builtin_models.rs"));

/// Names of every built-in model, in libvmaf's order.
pub fn builtin_model_names() -> impl Iterator<Item = &'static str> {
    BUILTIN_MODELS.iter().map(|(n, _)| *n)
}

/// The JSON text of built-in model `name`.
pub fn builtin_model_json(name: &str) -> Option<&'static str> {
    BUILTIN_MODELS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
}

/// The default model (`vmaf_v0.6.1`).
pub fn default_model_name() -> &'static str {
    DEFAULT_MODEL
}
