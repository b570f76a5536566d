//! Fuzzing hook for the C entry points: [`run`] interprets arbitrary bytes as a sequence of
//! API calls with NULL, valid, zeroed and out-of-range arguments, in any order, as a C client
//! could make them (within the documented contract: pointers are NULL or point to objects of
//! this library). A libFuzzer/cargo-fuzz target only needs to call `vmaf::fuzz::run(data)`;
//! `tests/fuzz.rs` drives it with random inputs.
//!
//! It panics when an export broke its contract: a result that is neither 0 nor a negative
//! errno, a panic caught at the FFI boundary, or an ownership rule not kept (a picture not
//! released after a successful read).

use std::os::raw::{c_char, c_int};
use std::ptr::{null, null_mut};

use crate::context::*;
use crate::dict::*;
use crate::model::*;
use crate::picture::*;
use crate::types::*;
use crate::{panics, VmafContext, VmafFeatureDictionary, VmafModel, VmafModelCollection};

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u8(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn pick<T: Copy>(&mut self, v: &[T]) -> Option<T> {
        Some(v[self.u8()? as usize % v.len()])
    }
}

const EXTRACTORS: &[&[u8]] = &[
    b"psnr\0",
    b"float_ssim\0",
    b"motion\0",
    b"cambi\0",
    b"ciede\0",
    b"no_such_extractor\0",
];
const KEYS: &[&[u8]] = &[
    b"enable_chroma\0",
    b"motion_force_zero\0",
    b"adm_enhn_gain_limit\0",
    b"bogus\0",
];
const VALUES: &[&[u8]] = &[
    b"true\0", b"false\0", b"1.0\0", b"-0\0", b"maybe\0", b"1e9\0",
];
const MODELS: &[&[u8]] = &[b"vmaf_v0.6.1\0", b"vmaf_b_v0.6.3\0", b"nope\0"];
const NAMES: &[&[u8]] = &[
    b"psnr_y\0",
    b"vmaf\0",
    b"VMAF_integer_feature_adm2_score\0",
    b"x\0",
];

fn cs(s: &[u8]) -> *const c_char {
    s.as_ptr().cast()
}

fn ok(rc: c_int) {
    assert!(rc <= 0, "an export returned {rc}");
}

#[derive(Default)]
struct State {
    ctx: Option<*mut VmafContext>,
    dicts: Vec<*mut VmafFeatureDictionary>,
    models: Vec<*mut VmafModel>,
    colls: Vec<*mut VmafModelCollection>,
    // Boxed: the library keeps nothing, but the structs must not move between calls.
    #[allow(clippy::vec_box)]
    pics: Vec<Box<VmafPicture>>,
    last_geo: Option<(u32, u32, u32, u32)>,
    /// Successful `vmaf_read_pictures` with pictures (a measure of how deep a run got).
    reads: usize,
}

fn zeroed_pic() -> Box<VmafPicture> {
    // SAFETY: all-zero is a valid VmafPicture (NULL pointers, zero sizes).
    Box::new(unsafe { std::mem::zeroed() })
}

impl State {
    fn ctx(&self, b: &mut Bytes<'_>) -> *mut VmafContext {
        match (b.u8().unwrap_or(0) % 8, self.ctx) {
            (0, _) | (_, None) => null_mut(),
            (_, Some(c)) => c,
        }
    }
    fn model(&self, b: &mut Bytes<'_>) -> *mut VmafModel {
        let i = b.u8().unwrap_or(0) as usize;
        self.models
            .get(i % (self.models.len() + 1))
            .copied()
            .unwrap_or(null_mut())
    }
    fn coll(&self, b: &mut Bytes<'_>) -> *mut VmafModelCollection {
        let i = b.u8().unwrap_or(0) as usize;
        self.colls
            .get(i % (self.colls.len() + 1))
            .copied()
            .unwrap_or(null_mut())
    }
    fn pic(&mut self, b: &mut Bytes<'_>) -> *mut VmafPicture {
        let i = b.u8().unwrap_or(0) as usize;
        // Mostly a picture that still holds its memory.
        let live: Vec<usize> = (0..self.pics.len())
            .filter(|&k| !self.pics[k].ref_.is_null())
            .collect();
        if !i.is_multiple_of(4) && !live.is_empty() {
            return &mut *self.pics[live[(i / 4) % live.len()]];
        }
        match self.pics.len() {
            0 => null_mut(),
            n => match self.pics.get_mut(i % (n + 1)) {
                Some(p) => &mut **p,
                None => null_mut(),
            },
        }
    }
    fn take_dict(&mut self, b: &mut Bytes<'_>) -> *mut VmafFeatureDictionary {
        let i = b.u8().unwrap_or(0) as usize;
        match self.dicts.len() {
            0 => null_mut(),
            n if i % (n + 1) == n => null_mut(),
            n => self.dicts.swap_remove(i % n),
        }
    }

    /// One call; `false` when the input is used up.
    ///
    /// # Safety
    /// Only called by [`run`], which keeps every pointer valid.
    unsafe fn step(&mut self, b: &mut Bytes<'_>) -> Option<()> {
        // Allocations and reads are the most frequent calls.
        let op = match b.u8()? % 32 {
            x @ 0..=21 => x,
            x if x % 2 == 0 => 8,
            _ => 10,
        };
        // SAFETY: every pointer passed below is NULL, a zeroed struct or a live object created
        // in this sequence; ownership transfers are mirrored in `self`.
        unsafe {
            match op {
                0 => {
                    if let Some(c) = self.ctx.take() {
                        ok(vmaf_close(c));
                    }
                    let cfg = VmafConfiguration {
                        log_level: b.u8()? as u32 % 6,
                        n_threads: b.u8()? as u32 % 3,
                        n_subsample: b.u8()? as u32 % 3,
                        cpumask: b.u8()? as u64,
                        gpumask: 0,
                    };
                    let mut c = null_mut();
                    ok(vmaf_init(&mut c, cfg));
                    self.ctx = (!c.is_null()).then_some(c);
                }
                1 => {
                    let (k, v, new) = (b.pick(KEYS)?, b.pick(VALUES)?, b.u8()? % 2 == 0);
                    let mut d = if new { null_mut() } else { self.take_dict(b) };
                    ok(vmaf_feature_dictionary_set(&mut d, cs(k), cs(v)));
                    if !d.is_null() {
                        self.dicts.push(d);
                    }
                }
                2 => {
                    let mut d = self.take_dict(b);
                    ok(vmaf_feature_dictionary_free(&mut d));
                    assert!(d.is_null());
                }
                3 => {
                    let name = b.pick(EXTRACTORS)?;
                    let d = self.take_dict(b);
                    let ctx = self.ctx(b);
                    ok(vmaf_use_feature(ctx, cs(name), d));
                    // Kept by the caller only for a NULL context or an unknown extractor.
                    if !d.is_null() && (ctx.is_null() || name.starts_with(b"no_such")) {
                        self.dicts.push(d);
                    }
                }
                4 => {
                    let mut m = null_mut();
                    let mut c = null_mut();
                    let cfg = VmafModelConfig {
                        name: if b.u8()? % 2 == 0 { null() } else { cs(b"m\0") },
                        flags: b.u8()? as u64 % 8,
                    };
                    let version = cs(b.pick(MODELS)?);
                    if b.u8()? % 2 == 0 {
                        ok(vmaf_model_load(&mut m, &cfg as *const _ as *mut _, version));
                    } else {
                        ok(vmaf_model_collection_load(
                            &mut m,
                            &mut c,
                            &cfg as *const _ as *mut _,
                            version,
                        ));
                    }
                    if !m.is_null() {
                        self.models.push(m);
                    }
                    if !c.is_null() {
                        self.colls.push(c);
                    }
                }
                5 => {
                    let (m, name) = (self.model(b), b.pick(EXTRACTORS)?);
                    let d = self.take_dict(b);
                    ok(vmaf_model_feature_overload(m, cs(name), d));
                    if m.is_null() && !d.is_null() {
                        self.dicts.push(d);
                    }
                }
                6 => ok(vmaf_use_features_from_model(self.ctx(b), self.model(b))),
                7 => ok(vmaf_use_features_from_model_collection(
                    self.ctx(b),
                    self.coll(b),
                )),
                8 => {
                    let mut p = zeroed_pic();
                    // Mostly the previous geometry, so that pairs and streams match.
                    let geo = match self.last_geo {
                        Some(g) if b.u8()? % 4 != 0 => g,
                        _ => (
                            b.u8()? as u32 % 6,
                            b.pick(&[7, 8, 10, 12, 16, 17])?,
                            b.pick(&[0, 1, 9, 33, 48, 64, 79])?,
                            b.pick(&[0, 1, 9, 33, 48, 64, 79])?,
                        ),
                    };
                    self.last_geo = Some(geo);
                    let (fmt, bpc, w, h) = geo;
                    ok(vmaf_picture_alloc(&mut *p, fmt, bpc, w, h));
                    if !p.ref_.is_null() {
                        let seed = b.u8()?;
                        for i in 0..3 {
                            if !p.data[i].is_null() {
                                let len = p.stride[i] as usize * p.h[i] as usize;
                                std::ptr::write_bytes(p.data[i].cast::<u8>(), seed, len / 2);
                            }
                        }
                    }
                    self.pics.push(p);
                }
                9 => {
                    let p = self.pic(b);
                    ok(vmaf_picture_unref(p));
                }
                10 => {
                    let (r, d) = (self.pic(b), self.pic(b));
                    let index = b.u8()? as u32 % 8;
                    let rc = vmaf_read_pictures(self.ctx(b), r, d, index);
                    ok(rc);
                    if rc == 0 && !r.is_null() {
                        assert!((*r).ref_.is_null() && (*d).ref_.is_null(), "not released");
                        self.reads += 1;
                    }
                }
                11 => ok(vmaf_read_pictures(self.ctx(b), null_mut(), null_mut(), 0)),
                12 => {
                    let mut s = 0.0;
                    let out: *mut f64 = if b.u8()? % 4 == 0 { null_mut() } else { &mut s };
                    ok(vmaf_score_at_index(
                        self.ctx(b),
                        self.model(b),
                        out,
                        b.u8()? as u32 % 8,
                    ));
                }
                13 => {
                    let mut s = 0.0;
                    ok(vmaf_feature_score_at_index(
                        self.ctx(b),
                        cs(b.pick(NAMES)?),
                        &mut s,
                        b.u8()? as u32 % 8,
                    ));
                }
                14 => {
                    let mut s = 0.0;
                    let (m, lo, hi) = (b.u8()? as u32 % 7, b.u8()? as u32 % 8, b.u8()? as u32 % 8);
                    ok(vmaf_score_pooled(
                        self.ctx(b),
                        self.model(b),
                        m,
                        &mut s,
                        lo,
                        hi,
                    ));
                    ok(vmaf_feature_score_pooled(
                        self.ctx(b),
                        cs(b.pick(NAMES)?),
                        m,
                        &mut s,
                        lo,
                        hi,
                    ));
                }
                15 => {
                    let mut s = VmafModelCollectionScore {
                        type_: 0,
                        bootstrap: VmafBootstrapScore::default(),
                    };
                    let (m, lo, hi) = (b.u8()? as u32 % 7, b.u8()? as u32 % 8, b.u8()? as u32 % 8);
                    ok(vmaf_score_at_index_model_collection(
                        self.ctx(b),
                        self.coll(b),
                        &mut s,
                        lo,
                    ));
                    ok(vmaf_score_pooled_model_collection(
                        self.ctx(b),
                        self.coll(b),
                        m,
                        &mut s,
                        lo,
                        hi,
                    ));
                }
                16 => {
                    let fmt = b.u8()? as u32 % 6;
                    ok(vmaf_write_output(self.ctx(b), cs(b"/dev/null\0"), fmt));
                }
                17 => ok(vmaf_import_feature_score(
                    self.ctx(b),
                    cs(b.pick(NAMES)?),
                    b.u8()? as f64,
                    b.u8()? as u32 % 8,
                )),
                18 => {
                    let cfg = VmafPictureConfiguration {
                        pic_params: VmafPictureParams {
                            w: b.u8()? as u32 % 70,
                            h: b.u8()? as u32 % 70,
                            bpc: 7 + b.u8()? as u32 % 10,
                            pix_fmt: b.u8()? as u32 % 6,
                        },
                        pic_cnt: b.u8()? as u32 % 4,
                    };
                    ok(vmaf_preallocate_pictures(self.ctx(b), cfg));
                }
                19 => {
                    // Only fetch when a picture is free: fetching blocks otherwise (as libvmaf).
                    let mut p = zeroed_pic();
                    let ctx = self.ctx(b);
                    if ctx.is_null() || (*ctx).pool_has_free() {
                        ok(vmaf_fetch_preallocated_picture(ctx, &mut *p));
                    }
                    self.pics.push(p);
                }
                20 => {
                    let d = self.take_dict(b);
                    let (m, c) = (self.model(b), self.coll(b));
                    let mut slot = c;
                    ok(vmaf_model_collection_feature_overload(
                        m,
                        &mut slot,
                        cs(b"adm\0"),
                        d,
                    ));
                    if (m.is_null() || c.is_null()) && !d.is_null() {
                        self.dicts.push(d);
                    }
                }
                _ => {
                    if let Some(c) = self.ctx.take() {
                        ok(vmaf_close(c));
                    }
                }
            }
        }
        Some(())
    }
}

/// Runs the call sequence encoded in `data`, then releases everything it created; returns the
/// number of picture pairs that were scored.
pub fn run(data: &[u8]) -> usize {
    let before = panics();
    let mut s = State::default();
    let mut b = Bytes(data);
    // SAFETY: `State` only passes pointers it keeps valid.
    while unsafe { s.step(&mut b) }.is_some() {}
    // SAFETY: releasing what the sequence created, each once.
    unsafe {
        if let Some(c) = s.ctx.take() {
            ok(vmaf_close(c));
        }
        for p in &mut s.pics {
            if !p.ref_.is_null() {
                ok(vmaf_picture_unref(&mut **p));
            }
        }
        for mut d in s.dicts.drain(..) {
            ok(vmaf_feature_dictionary_free(&mut d));
        }
        for m in s.models.drain(..) {
            vmaf_model_destroy(m);
        }
        for c in s.colls.drain(..) {
            vmaf_model_collection_destroy(c);
        }
    }
    assert_eq!(panics(), before, "a panic reached the FFI boundary");
    s.reads
}
