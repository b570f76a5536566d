//! Placeholder: replaced by the port of this extractor.
use crate::features::{not_implemented, ExtractorDef};

/// Extractor `cambi` (not implemented yet).
pub static DEF: ExtractorDef = ExtractorDef {
    name: "cambi",
    provided: &["Cambi_feature_cambi_score"],
    options: &[],
    temporal: false,
    prev_ref: false,
    create: |_, _| Err(not_implemented("cambi")),
};
