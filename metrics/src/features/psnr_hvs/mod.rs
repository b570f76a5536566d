//! Placeholder: replaced by the port of this extractor.
use crate::features::{not_implemented, ExtractorDef};

/// Extractor `psnr_hvs` (not implemented yet).
pub static DEF: ExtractorDef = ExtractorDef {
    name: "psnr_hvs",
    provided: &["psnr_hvs_y", "psnr_hvs_cb", "psnr_hvs_cr", "psnr_hvs"],
    options: &[],
    temporal: false,
    prev_ref: false,
    create: |_, _| Err(not_implemented("psnr_hvs")),
};
