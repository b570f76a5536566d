//! CAMBI: the whole extractor (default options, and the VMAF v1.0.16 options with the
//! high-resolution speed-up) and each kernel at scale 0, per CPU level and bit depth, on the
//! synthetic 1920x1080 pictures of `common` (or the clips of `RVMAF_BENCH_REF`/`_DIS`).
//!
//! `cargo bench -p rvmaf-benches --bench cambi` (add a filter such as `cambi/frame`); thread
//! CPU time by default, wall-clock time with `RVMAF_BENCH_WALL=1`.

mod common;

use criterion::measurement::Measurement;
use criterion::{BatchSize, BenchmarkId, Criterion};

use rvmaf::cpu::{available_levels, CpuLevel};
use rvmaf::features::cambi::kernels::{CambiKernels, Scratch, C_VALUES_SLACK};
use rvmaf::features::cambi::scalar::{self, To10Bit};
use rvmaf::features::cambi::{self, CambiSettings};
use rvmaf::features::{FrameInput, FrameScores};
use rvmaf::frame::PlaneRef;
use rvmaf::{FeatureDict, Picture};

const V1: &str = "cambi_high_res_speedup=1080:cambi_vis_lum_threshold=0.06:cambi_max_val=17";

/// The scale-0 planes CAMBI works on: 10-bit image (anti-dithered for 8-bit input), mask.
struct Scale0 {
    stride: usize,
    image: Vec<u16>,
    mask: Vec<u16>,
}

fn scale0(pic: &Picture, bpc: u32) -> Scale0 {
    let (w, h) = (common::W, common::H);
    let k = CambiKernels::new(CpuLevel::Scalar);
    let stride = scalar::aligned_stride(w);
    let mut image = vec![0u16; stride * h];
    let conv = To10Bit::for_depth(bpc);
    match pic.view().luma() {
        PlaneRef::U8(p) => {
            for (i, r) in p.rows().enumerate() {
                k.convert_row_u8(r, &mut image[i * stride..], conv);
            }
        }
        PlaneRef::U16(p) => {
            for (i, r) in p.rows().enumerate() {
                k.convert_row_u16(r, &mut image[i * stride..], conv);
            }
        }
    }
    if bpc < 10 {
        k.anti_dithering_filter(&mut image, stride, w, h);
    }
    let mut mask = vec![0u16; stride * h];
    k.spatial_mask(&image, &mut mask, stride, w, h, &mut Scratch::new(w, 1));
    k.filter_mode(&mut image, stride, w, h, &mut Scratch::new(w, 1));
    Scale0 {
        stride,
        image,
        mask,
    }
}

fn settings(opts: &str, pic: &Picture) -> CambiSettings {
    let o = cambi::DEF
        .parse_options(&FeatureDict::parse_colon_list(opts).unwrap())
        .unwrap();
    CambiSettings::resolve(&o, pic.geometry()).unwrap()
}

fn bench<M: Measurement>(c: &mut Criterion<M>) {
    for bpc in [8u32, 10] {
        let fr = common::frames(bpc);
        let (r, d) = (&fr[0].0, &fr[0].1);
        let s0 = scale0(d, bpc);
        let (w, h, stride) = (common::W, common::H, s0.stride);
        for level in available_levels() {
            let id = |what: &str| {
                BenchmarkId::new(
                    format!("cambi/{what}"),
                    format!("{}/{bpc}bit", level.as_str()),
                )
            };
            let mut g = c.benchmark_group(format!("cambi-{}-{bpc}", level.as_str()));
            g.sample_size(10);
            g.warm_up_time(std::time::Duration::from_millis(300));
            g.measurement_time(std::time::Duration::from_secs(3));

            for (what, opts) in [("frame", ""), ("frame_v1", V1)] {
                let o = cambi::DEF
                    .parse_options(&FeatureDict::parse_colon_list(opts).unwrap())
                    .unwrap();
                let mut ext = cambi::create_at(&o, d.geometry(), level).unwrap();
                g.bench_function(id(what), |b| {
                    b.iter(|| {
                        let mut out = FrameScores::new();
                        ext.extract(
                            &FrameInput {
                                index: 0,
                                reference: r.view(),
                                distorted: d.view(),
                                prev_ref: None,
                                prev_prev_ref: None,
                            },
                            &mut out,
                        )
                        .unwrap();
                        out
                    })
                });
            }

            let k = CambiKernels::new(level);
            let mut scratch = Scratch::new(w, 1024);
            let mut mask = vec![0u16; stride * h];
            g.bench_function(id("spatial_mask"), |b| {
                b.iter(|| k.spatial_mask(&s0.image, &mut mask, stride, w, h, &mut scratch))
            });
            g.bench_function(id("filter_mode"), |b| {
                b.iter_batched_ref(
                    || s0.image.clone(),
                    |img| k.filter_mode(img, stride, w, h, &mut scratch),
                    BatchSize::LargeInput,
                )
            });
            g.bench_function(id("decimate"), |b| {
                b.iter_batched_ref(
                    || s0.image.clone(),
                    |img| k.decimate(img, stride, w / 2, h / 2),
                    BatchSize::LargeInput,
                )
            });
            let mut c_values = vec![0f32; w * h + C_VALUES_SLACK];
            for (what, opts, half) in [("c_values", "", false), ("c_values_v1", V1, true)] {
                let st = settings(opts, d);
                let (mut img, mut msk) = (s0.image.clone(), s0.mask.clone());
                let (mut cw, mut ch) = (w, h);
                if half {
                    (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
                    let sk = CambiKernels::new(CpuLevel::Scalar);
                    sk.decimate(&mut img, stride, cw, ch);
                    sk.decimate(&mut msk, stride, cw, ch);
                    sk.filter_mode(&mut img, stride, cw, ch, &mut scratch);
                }
                g.bench_function(id(what), |b| {
                    b.iter(|| {
                        k.calculate_c_values(
                            &img,
                            &msk,
                            stride,
                            &mut c_values,
                            &mut scratch,
                            st.window_size,
                            &st.params,
                            cw,
                            ch,
                        )
                    })
                });
                // pooling input: this scale's c-values (computed here, whatever runs above)
                let mut pooled = vec![0f32; w * h + C_VALUES_SLACK];
                CambiKernels::new(CpuLevel::Scalar).calculate_c_values(
                    &img,
                    &msk,
                    stride,
                    &mut pooled,
                    &mut scratch,
                    st.window_size,
                    &st.params,
                    cw,
                    ch,
                );
                g.bench_function(id(&format!("pooling ({what})")), |b| {
                    b.iter_batched_ref(
                        || pooled.clone(),
                        |cv| k.spatial_pooling(cv, st.topk, cw, ch),
                        BatchSize::LargeInput,
                    )
                });
            }
            g.finish();
        }
    }
}

fn main() {
    common::run(bench, bench);
}
