//! Placeholder: replaced by the port of this extractor.
use crate::features::{not_implemented, ExtractorDef};

/// Extractor `float_ssim` (not implemented yet).
pub static DEF: ExtractorDef = ExtractorDef {
    name: "float_ssim",
    provided: &["float_ssim"],
    options: &[],
    temporal: false,
    prev_ref: false,
    create: |_, _| Err(not_implemented("float_ssim")),
};
