//! Struct layouts and enum values of libvmaf 3.2 (x86-64 SysV), from libvmaf-map.md §13:
//! a client compiled against libvmaf's own headers must see the same bytes.

use std::mem::{offset_of, size_of};

use vmaf::*;

#[test]
#[cfg(target_pointer_width = "64")]
fn struct_layouts() {
    assert_eq!(size_of::<VmafConfiguration>(), 32);
    assert_eq!(offset_of!(VmafConfiguration, log_level), 0);
    assert_eq!(offset_of!(VmafConfiguration, n_threads), 4);
    assert_eq!(offset_of!(VmafConfiguration, n_subsample), 8);
    assert_eq!(offset_of!(VmafConfiguration, cpumask), 16);
    assert_eq!(offset_of!(VmafConfiguration, gpumask), 24);

    assert_eq!(size_of::<VmafPicture>(), 96);
    assert_eq!(offset_of!(VmafPicture, pix_fmt), 0);
    assert_eq!(offset_of!(VmafPicture, bpc), 4);
    assert_eq!(offset_of!(VmafPicture, w), 8);
    assert_eq!(offset_of!(VmafPicture, h), 20);
    assert_eq!(offset_of!(VmafPicture, stride), 32);
    assert_eq!(offset_of!(VmafPicture, data), 56);
    assert_eq!(offset_of!(VmafPicture, ref_), 80);
    assert_eq!(offset_of!(VmafPicture, priv_), 88);

    assert_eq!(size_of::<VmafModelConfig>(), 16);
    assert_eq!(offset_of!(VmafModelConfig, name), 0);
    assert_eq!(offset_of!(VmafModelConfig, flags), 8);

    assert_eq!(size_of::<VmafModelCollectionScore>(), 40);
    assert_eq!(offset_of!(VmafModelCollectionScore, type_), 0);
    let b = offset_of!(VmafModelCollectionScore, bootstrap);
    assert_eq!(b + offset_of!(VmafBootstrapScore, bagging_score), 8);
    assert_eq!(b + offset_of!(VmafBootstrapScore, stddev), 16);
    let ci = b + offset_of!(VmafBootstrapScore, ci) + offset_of!(VmafConfidenceIntervals, p95);
    assert_eq!(ci + offset_of!(VmafConfidenceInterval95, lo), 24);
    assert_eq!(ci + offset_of!(VmafConfidenceInterval95, hi), 32);

    assert_eq!(size_of::<VmafPictureConfiguration>(), 20);
    let p = offset_of!(VmafPictureConfiguration, pic_params);
    assert_eq!(p + offset_of!(VmafPictureParams, w), 0);
    assert_eq!(p + offset_of!(VmafPictureParams, h), 4);
    assert_eq!(p + offset_of!(VmafPictureParams, bpc), 8);
    assert_eq!(p + offset_of!(VmafPictureParams, pix_fmt), 12);
    assert_eq!(offset_of!(VmafPictureConfiguration, pic_cnt), 16);
}

#[test]
fn enum_values() {
    assert_eq!(size_of::<VmafLogLevel>(), 4);
    assert_eq!(VmafLogLevel::VMAF_LOG_LEVEL_NONE as u32, 0);
    assert_eq!(VmafLogLevel::VMAF_LOG_LEVEL_DEBUG as u32, 4);
    assert_eq!(VmafOutputFormat::VMAF_OUTPUT_FORMAT_XML as u32, 1);
    assert_eq!(VmafOutputFormat::VMAF_OUTPUT_FORMAT_SUB as u32, 4);
    assert_eq!(VmafPoolingMethod::VMAF_POOL_METHOD_MIN as u32, 1);
    assert_eq!(VmafPoolingMethod::VMAF_POOL_METHOD_HARMONIC_MEAN as u32, 4);
    assert_eq!(VmafPoolingMethod::VMAF_POOL_METHOD_NB as u32, 5);
    assert_eq!(VmafPixelFormat::VMAF_PIX_FMT_YUV420P as u32, 1);
    assert_eq!(VmafPixelFormat::VMAF_PIX_FMT_YUV400P as u32, 4);
    assert_eq!(VmafModelFlags::VMAF_MODEL_FLAG_DISABLE_CLIP as u32, 1);
    assert_eq!(VmafModelFlags::VMAF_MODEL_FLAG_ENABLE_TRANSFORM as u32, 2);
    assert_eq!(VmafModelFlags::VMAF_MODEL_FLAG_DISABLE_TRANSFORM as u32, 4);
    assert_eq!(
        VmafModelCollectionScoreType::VMAF_MODEL_COLLECTION_SCORE_BOOTSTRAP as u32,
        1
    );
}

#[test]
fn version() {
    // SAFETY: vmaf_version returns a static NUL-terminated string.
    let v = unsafe { std::ffi::CStr::from_ptr(vmaf_version()) };
    assert_eq!(v.to_str().unwrap(), "3.2.0");
    assert_eq!(
        (
            VMAF_API_VERSION_MAJOR,
            VMAF_API_VERSION_MINOR,
            VMAF_API_VERSION_PATCH
        ),
        (3, 2, 0)
    );
}
