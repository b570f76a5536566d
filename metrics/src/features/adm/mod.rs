//! Placeholder: replaced by the port of this extractor.
use crate::features::{not_implemented, ExtractorDef};

/// Extractor `adm` (not implemented yet).
pub static DEF: ExtractorDef = ExtractorDef {
    name: "adm",
    provided: &[
        "VMAF_integer_feature_adm2_score",
        "VMAF_integer_feature_aim_score",
        "VMAF_integer_feature_adm3_score",
        "integer_adm_scale0",
        "integer_adm_scale1",
        "integer_adm_scale2",
        "integer_adm_scale3",
        "integer_adm",
        "integer_adm_num",
        "integer_adm_den",
        "integer_adm_num_scale0",
        "integer_adm_den_scale0",
        "integer_adm_num_scale1",
        "integer_adm_den_scale1",
        "integer_adm_num_scale2",
        "integer_adm_den_scale2",
        "integer_adm_num_scale3",
        "integer_adm_den_scale3",
    ],
    options: &[],
    temporal: false,
    prev_ref: false,
    create: |_, _| Err(not_implemented("adm")),
};
