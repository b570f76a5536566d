//! Placeholder: replaced by the port of this extractor.
use crate::features::{not_implemented, ExtractorDef};

/// Extractor `ciede` (not implemented yet).
pub static DEF: ExtractorDef = ExtractorDef {
    name: "ciede",
    provided: &["ciede2000"],
    options: &[],
    temporal: false,
    prev_ref: false,
    create: |_, _| Err(not_implemented("ciede")),
};
