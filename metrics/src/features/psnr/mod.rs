//! Placeholder: replaced by the port of this extractor.
use crate::features::{not_implemented, ExtractorDef};

/// Extractor `psnr` (not implemented yet).
pub static DEF: ExtractorDef = ExtractorDef {
    name: "psnr",
    provided: &["psnr_y", "psnr_cb", "psnr_cr"],
    options: &[],
    temporal: true,
    prev_ref: false,
    create: |_, _| Err(not_implemented("psnr")),
};
