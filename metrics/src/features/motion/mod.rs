//! Placeholder: replaced by the port of this extractor.
use crate::features::{not_implemented, ExtractorDef};

/// Extractor `motion` (not implemented yet).
pub static DEF: ExtractorDef = ExtractorDef {
    name: "motion",
    provided: &[
        "VMAF_integer_feature_motion_sad_score",
        "VMAF_integer_feature_motion_score",
        "VMAF_integer_feature_motion2_score",
        "VMAF_integer_feature_motion3_score",
    ],
    options: &[],
    temporal: false,
    prev_ref: true,
    create: |_, _| Err(not_implemented("motion")),
};
