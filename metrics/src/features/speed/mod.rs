//! Placeholder: replaced by the port of this extractor.
use crate::features::{not_implemented, ExtractorDef};

/// Extractor `speed_chroma` (not implemented yet).
pub static SPEED_CHROMA: ExtractorDef = ExtractorDef {
    name: "speed_chroma",
    provided: &[
        "Speed_chroma_feature_speed_chroma_u_score",
        "Speed_chroma_feature_speed_chroma_v_score",
        "Speed_chroma_feature_speed_chroma_uv_score",
    ],
    options: &[],
    temporal: false,
    prev_ref: false,
    create: |_, _| Err(not_implemented("speed_chroma")),
};
/// Extractor `speed_temporal` (not implemented yet).
pub static SPEED_TEMPORAL: ExtractorDef = ExtractorDef {
    name: "speed_temporal",
    provided: &["Speed_temporal_feature_speed_temporal_score"],
    options: &[],
    temporal: true,
    prev_ref: false,
    create: |_, _| Err(not_implemented("speed_temporal")),
};
