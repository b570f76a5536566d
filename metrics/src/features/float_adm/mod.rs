//! Placeholder: replaced by the port of this extractor.
use crate::features::{not_implemented, ExtractorDef};

/// Extractor `float_adm` (not implemented yet).
pub static DEF: ExtractorDef = ExtractorDef {
    name: "float_adm",
    provided: &[
        "VMAF_feature_adm2_score",
        "VMAF_feature_aim_score",
        "VMAF_feature_adm3_score",
        "VMAF_feature_adm_scale0_score",
        "VMAF_feature_adm_scale1_score",
        "VMAF_feature_adm_scale2_score",
        "VMAF_feature_adm_scale3_score",
        "adm_num",
        "adm_den",
        "adm_scale0",
        "adm_num_scale0",
        "adm_den_scale0",
        "adm_num_scale1",
        "adm_den_scale1",
        "adm_num_scale2",
        "adm_den_scale2",
        "adm_num_scale3",
        "adm_den_scale3",
    ],
    options: &[],
    temporal: false,
    prev_ref: false,
    create: |_, _| Err(not_implemented("float_adm")),
};
