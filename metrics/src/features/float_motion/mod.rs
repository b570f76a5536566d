//! Placeholder: replaced by the port of this extractor.
use crate::features::{not_implemented, ExtractorDef};

/// Extractor `float_motion` (not implemented yet).
pub static DEF: ExtractorDef = ExtractorDef {
    name: "float_motion",
    provided: &[
        "VMAF_feature_motion_score",
        "VMAF_feature_motion2_score",
        "VMAF_feature_motion3_score",
    ],
    options: &[],
    temporal: true,
    prev_ref: false,
    create: |_, _| Err(not_implemented("float_motion")),
};
