//! Differential test of integer ADM against libvmaf's own C code.
//!
//! The conformance corpus only exercises a few option sets and natural content at 481 px or
//! wider. This test compiles libvmaf's `integer_adm.c` (scalar path, commit f85a853, taken from
//! a git mirror of Netflix/vmaf) into a tiny harness and compares every output, bit for bit,
//! on synthetic frames: sizes from the 33-pixel minimum up (so the border cases of every
//! kernel run), 8 to 16 bits, extreme content (1-px full-contrast stripes that wrap libvmaf's
//! int16 CSF centre term, all-max, all-zero), and every option (CSF modes 0–3, Barten scales,
//! viewing distances, display heights, egl, noise weight, skip_scale0, skip_aim, min_val).
//!
//! It needs the mirror (`$RVMAF_LIBVMAF_GIT`, default /work/.mirror/Netflix+vmaf/repo) and a C
//! compiler (`$CC`, default `cc`); without them it prints why and passes.

use std::path::{Path, PathBuf};
use std::process::Command;

use rvmaf::features::{self, FrameInput, FrameScores};
use rvmaf::{FeatureDict, Geometry, Picture, PixelFormat};

const LIBVMAF_COMMIT: &str = "f85a853692a8c730d0270cd733c8bb30b5b93b7c";

/// Minimal stand-ins for the libvmaf headers integer_adm.c includes (types and prototypes only).
const STUB_H: &str = r#"#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
enum VmafPixelFormat { VMAF_PIX_FMT_UNKNOWN, VMAF_PIX_FMT_YUV420P };
typedef struct VmafPicture { enum VmafPixelFormat pix_fmt; unsigned bpc; unsigned w[3], h[3];
  ptrdiff_t stride[3]; void *data[3]; } VmafPicture;
typedef struct VmafDictionary VmafDictionary;
typedef struct VmafFeatureCollector VmafFeatureCollector;
enum VmafOptionType { VMAF_OPT_TYPE_BOOL, VMAF_OPT_TYPE_INT, VMAF_OPT_TYPE_DOUBLE, VMAF_OPT_TYPE_STRING };
#define VMAF_OPT_FLAG_FEATURE_PARAM 1
typedef struct VmafOption { const char *name, *alias, *help; int offset; enum VmafOptionType type;
  union { bool b; int i; double d; const char *s; } default_val; double min, max; uint64_t flags; } VmafOption;
typedef struct VmafFeatureExtractor { const char *name;
  int (*init)(struct VmafFeatureExtractor *, enum VmafPixelFormat, unsigned, unsigned, unsigned);
  int (*extract)(struct VmafFeatureExtractor *, VmafPicture *, VmafPicture *, VmafPicture *,
                 VmafPicture *, unsigned, VmafFeatureCollector *);
  int (*close)(struct VmafFeatureExtractor *);
  const VmafOption *options; void *priv; size_t priv_size; uint64_t flags;
  const char **provided_features; } VmafFeatureExtractor;
int vmaf_feature_collector_append_with_dict(VmafFeatureCollector *, VmafDictionary *, const char *,
                                            double, unsigned);
VmafDictionary *vmaf_feature_name_dict_from_provided_features(const char **, const VmafOption *, void *);
int vmaf_dictionary_free(VmafDictionary **);
#define MAX_ALIGN 64
#define ALIGN_CEIL(x) ((x) + ((x) % MAX_ALIGN ? MAX_ALIGN - (x) % MAX_ALIGN : 0))
static inline void *aligned_malloc(size_t sz, size_t al) { void *p; return posix_memalign(&p, al, sz) ? NULL : p; }
static inline void aligned_free(void *p) { free(p); }
#define FORCE_INLINE __attribute__((always_inline))
"#;

/// The harness: sets options like libvmaf's option parser, generates frames with [`gen`]'s
/// twin, runs init/extract and prints `index name value` with `%.17g`.
const HARNESS_C: &str = r#"#include "integer_adm.c"
#include <string.h>
int vmaf_feature_collector_append_with_dict(VmafFeatureCollector *fc, VmafDictionary *d,
    const char *name, double score, unsigned index) {
  (void)fc; (void)d; printf("%u %s %.17g\n", index, name, score); return 0; }
VmafDictionary *vmaf_feature_name_dict_from_provided_features(const char **p, const VmafOption *o,
    void *s) { (void)p; (void)o; (void)s; return (VmafDictionary *)1; }
int vmaf_dictionary_free(VmafDictionary **d) { (void)d; return 0; }
static uint32_t hash3(uint32_t x, uint32_t y, uint32_t s) {
  uint32_t v = (x * 2654435761u) ^ (y * 2246822519u) ^ (s * 3266489917u);
  v ^= v >> 15; v *= 2246822519u; v ^= v >> 13; v *= 3266489917u; v ^= v >> 16; return v; }
static uint32_t gen(int kind, uint32_t x, uint32_t y, uint32_t s, unsigned bpc) {
  uint32_t maxv = (1u << bpc) - 1, sm = ((x * 7 + y * 3 + s * 11) % 256) << (bpc - 8), v;
  switch (kind) {
  case 0: v = sm + hash3(x, y, s) % (8u << (bpc - 8)); return v > maxv ? maxv : v;
  case 1: return hash3(x, y, s) & maxv;
  case 2: return ((x + s) & 1) ? maxv : 0;
  case 3: return maxv;
  case 4: return 0;
  case 5: return (((x >> 2) + (y >> 2) + s) & 1) ? maxv : 0;
  default: return sm; } }
static void fill(VmafPicture *p, unsigned w, unsigned h, unsigned bpc, int kind, uint32_t seed) {
  p->bpc = bpc; p->w[0] = w; p->h[0] = h; size_t bps = bpc > 8 ? 2 : 1;
  p->stride[0] = w * bps + 16; p->data[0] = calloc(p->stride[0] * h, 1);
  for (unsigned y = 0; y < h; y++) for (unsigned x = 0; x < w; x++) {
    uint32_t v = gen(kind, x, y, seed, bpc);
    if (bps == 1) ((uint8_t *)p->data[0])[y * p->stride[0] + x] = v;
    else ((uint16_t *)((char *)p->data[0] + y * p->stride[0]))[x] = v; } }
int main(int argc, char **argv) {
  if (argc < 9) return 2;
  unsigned w = atoi(argv[1]), h = atoi(argv[2]), bpc = atoi(argv[3]);
  int rk = atoi(argv[4]), rs = atoi(argv[5]), dk = atoi(argv[6]), ds = atoi(argv[7]), nf = atoi(argv[8]);
  VmafFeatureExtractor *fex = &vmaf_fex_integer_adm;
  AdmState *s = calloc(1, sizeof(AdmState)); fex->priv = s;
  for (const VmafOption *o = fex->options; o->name; o++) {
    char *dst = (char *)s + o->offset; const char *val = NULL;
    for (int a = 9; a < argc; a++) { size_t n = strlen(o->name);
      if (!strncmp(argv[a], o->name, n) && argv[a][n] == '=') val = argv[a] + n + 1; }
    switch (o->type) {
    case VMAF_OPT_TYPE_BOOL: *(bool *)dst = val ? !strcmp(val, "true") : o->default_val.b; break;
    case VMAF_OPT_TYPE_INT: *(int *)dst = val ? atoi(val) : o->default_val.i; break;
    case VMAF_OPT_TYPE_DOUBLE: *(double *)dst = val ? atof(val) : o->default_val.d; break;
    default: break; } }
  if (fex->init(fex, VMAF_PIX_FMT_YUV420P, bpc, w, h)) { printf("init error\n"); return 1; }
  for (int f = 0; f < nf; f++) {
    VmafPicture r, d; fill(&r, w, h, bpc, rk, rs + f); fill(&d, w, h, bpc, dk, ds + f);
    int err = fex->extract(fex, &r, NULL, &d, NULL, f, NULL);
    if (err) { printf("extract error %d\n", err); return 1; }
    free(r.data[0]); free(d.data[0]); }
  fex->close(fex); return 0; }
"#;

fn hash3(x: u32, y: u32, s: u32) -> u32 {
    let mut v =
        x.wrapping_mul(2654435761) ^ y.wrapping_mul(2246822519) ^ s.wrapping_mul(3266489917);
    v ^= v >> 15;
    v = v.wrapping_mul(2246822519);
    v ^= v >> 13;
    v = v.wrapping_mul(3266489917);
    v ^= v >> 16;
    v
}

/// Synthetic content, identical to the harness's `gen`: 0 smooth ramp + noise, 1 full-range
/// noise, 2 one-pixel full-contrast stripes, 3 all max, 4 all zero, 5 4-px checkerboard,
/// 6 smooth ramp only.
fn gen(kind: u32, x: u32, y: u32, s: u32, bpc: u32) -> u32 {
    let maxv = (1u32 << bpc) - 1;
    let sm = ((x * 7 + y * 3 + s * 11) % 256) << (bpc - 8);
    match kind {
        0 => (sm + hash3(x, y, s) % (8u32 << (bpc - 8))).min(maxv),
        1 => hash3(x, y, s) & maxv,
        2 => {
            if (x + s) & 1 == 1 {
                maxv
            } else {
                0
            }
        }
        3 => maxv,
        4 => 0,
        5 => {
            if ((x >> 2) + (y >> 2) + s) & 1 == 1 {
                maxv
            } else {
                0
            }
        }
        _ => sm,
    }
}

fn picture(w: usize, h: usize, bpc: u32, kind: u32, seed: u32) -> Picture {
    let g = Geometry {
        format: PixelFormat::Yuv420,
        bit_depth: bpc,
        width: w,
        height: h,
    };
    let mut p = Picture::new(g).unwrap();
    let v = |x: usize, y: usize| gen(kind, x as u32, y as u32, seed, bpc);
    if bpc == 8 {
        let d = p.plane_u8_mut(0).unwrap();
        for y in 0..h {
            for x in 0..w {
                d[y * w + x] = v(x, y) as u8;
            }
        }
    } else {
        let d = p.plane_u16_mut(0).unwrap();
        for y in 0..h {
            for x in 0..w {
                d[y * w + x] = v(x, y) as u16;
            }
        }
    }
    p
}

struct Case {
    w: usize,
    h: usize,
    bpc: u32,
    rk: u32,
    rs: u32,
    dk: u32,
    ds: u32,
    frames: usize,
    opts: String,
}

impl Case {
    fn label(&self) -> String {
        format!(
            "{}x{} {}bit ref {}/{} dis {}/{} x{} [{}]",
            self.w, self.h, self.bpc, self.rk, self.rs, self.dk, self.ds, self.frames, self.opts
        )
    }
}

/// Builds the harness in a fresh temp dir; `None` (with the reason printed) when impossible.
fn build_harness() -> Option<PathBuf> {
    let git = std::env::var("RVMAF_LIBVMAF_GIT")
        .unwrap_or_else(|_| "/work/.mirror/Netflix+vmaf/repo".to_string());
    if !Path::new(&git).exists() {
        println!("skipped: no libvmaf git mirror at {git} (set RVMAF_LIBVMAF_GIT)");
        return None;
    }
    let dir = std::env::temp_dir().join(format!("rvmaf-adm-oracle-{}", std::process::id()));
    let stub = dir.join("stub");
    std::fs::create_dir_all(stub.join("common")).unwrap();
    std::fs::write(stub.join("vmaf_stub.h"), STUB_H).unwrap();
    for f in [
        "cpu.h",
        "dict.h",
        "feature_collector.h",
        "feature_extractor.h",
        "feature_name.h",
        "log.h",
        "mem.h",
    ] {
        std::fs::write(stub.join(f), "#include \"vmaf_stub.h\"\n").unwrap();
    }
    std::fs::write(
        stub.join("common/macros.h"),
        "#include \"../vmaf_stub.h\"\n",
    )
    .unwrap();
    for f in ["integer_adm.c", "integer_adm.h", "barten_csf_tools.h"] {
        let out = Command::new("git")
            .args([
                "--git-dir",
                &git,
                "show",
                &format!("{LIBVMAF_COMMIT}:libvmaf/src/feature/{f}"),
            ])
            .output();
        match out {
            Ok(o) if o.status.success() => std::fs::write(dir.join(f), o.stdout).unwrap(),
            _ => {
                println!("skipped: cannot read {f} at {LIBVMAF_COMMIT} from {git}");
                return None;
            }
        }
    }
    std::fs::write(dir.join("harness.c"), HARNESS_C).unwrap();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let exe = dir.join("harness");
    // libvmaf's release build: -O3, C11 (which also means no FMA contraction), no -march.
    let st = Command::new(&cc)
        .current_dir(&dir)
        .args(["-std=c11", "-O3", "-D_GNU_SOURCE", "-w", "-Istub", "-I."])
        .arg("harness.c")
        .arg("-o")
        .arg(&exe)
        .arg("-lm")
        .status();
    match st {
        Ok(s) if s.success() => Some(exe),
        _ => {
            println!("skipped: {cc} could not build the libvmaf harness");
            None
        }
    }
}

/// libvmaf's outputs for `case`: per frame, (raw feature name, value).
fn run_c(exe: &Path, c: &Case) -> Result<Vec<Vec<(String, f64)>>, String> {
    let mut cmd = Command::new(exe);
    for a in [
        c.w,
        c.h,
        c.bpc as usize,
        c.rk as usize,
        c.rs as usize,
        c.dk as usize,
        c.ds as usize,
        c.frames,
    ] {
        cmd.arg(a.to_string());
    }
    for o in c.opts.split(':').filter(|s| !s.is_empty()) {
        cmd.arg(o);
    }
    let out = cmd.output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    if !out.status.success() {
        return Err(text);
    }
    let mut frames: Vec<Vec<(String, f64)>> = vec![Vec::new(); c.frames];
    for line in text.lines() {
        let mut it = line.split(' ');
        let i: usize = it.next().unwrap().parse().unwrap();
        let name = it.next().unwrap().to_string();
        let v = it.next().unwrap();
        let v = match v {
            "nan" | "-nan" => f64::NAN,
            "inf" => f64::INFINITY,
            "-inf" => f64::NEG_INFINITY,
            _ => v.parse().unwrap(),
        };
        frames[i].push((name, v));
    }
    Ok(frames)
}

fn run_rust(c: &Case) -> rvmaf::Result<Vec<FrameScores>> {
    let def = features::by_name("adm")?;
    let o = def.parse_options(&FeatureDict::parse_colon_list(&c.opts)?)?;
    let g = picture(c.w, c.h, c.bpc, c.rk, c.rs).geometry();
    let mut ext = (def.create)(&o, g)?;
    let mut res = Vec::new();
    for f in 0..c.frames {
        let r = picture(c.w, c.h, c.bpc, c.rk, c.rs + f as u32);
        let d = picture(c.w, c.h, c.bpc, c.dk, c.ds + f as u32);
        let mut out = FrameScores::new();
        ext.extract(
            &FrameInput {
                index: f,
                reference: r.view(),
                distorted: d.view(),
                prev_ref: None,
                prev_prev_ref: None,
            },
            &mut out,
        )?;
        res.push(out);
    }
    Ok(res)
}

/// A small deterministic generator for case selection.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn cases() -> Vec<Case> {
    const SIZES: &[(usize, usize)] = &[
        (33, 33),
        (34, 36),
        (35, 41),
        (40, 33),
        (47, 53),
        (64, 64),
        (66, 34),
        (70, 40),
        (97, 61),
        (120, 72),
        (149, 90),
        (176, 144),
        (200, 33),
        (33, 150),
        (257, 129),
        (320, 180),
    ];
    const OPTS: &[&str] = &[
        "",
        "adm_enhn_gain_limit=1",
        "adm_enhn_gain_limit=1.5",
        "adm_enhn_gain_limit=1.2:adm_noise_weight=0",
        "adm_norm_view_dist=5",
        "adm_ref_display_height=2160",
        "adm_norm_view_dist=1.5:adm_ref_display_height=2160",
        "adm_norm_view_dist=24:adm_ref_display_height=4320",
        "adm_norm_view_dist=3.5:adm_ref_display_height=1000",
        "adm_csf_mode=1",
        "adm_csf_mode=1:adm_csf_scale=0.001:adm_csf_diag_scale=0.002",
        "adm_csf_mode=1:adm_csf_scale=0.0005:adm_norm_view_dist=5:adm_ref_display_height=2160",
        "adm_csf_mode=2:adm_dlm_weight=0.7:adm_enhn_gain_limit=1:adm_noise_weight=0.02:adm_min_val=0.5",
        "adm_csf_mode=2:adm_norm_view_dist=5:adm_ref_display_height=720",
        "adm_csf_mode=2:adm_norm_view_dist=5:adm_ref_display_height=2160",
        "adm_csf_mode=3",
        "adm_csf_mode=3:adm_norm_view_dist=3:adm_ref_display_height=2160",
        "adm_csf_mode=3:adm_norm_view_dist=1.5:adm_ref_display_height=2160:adm_noise_weight=1500",
        "adm_skip_scale0=true",
        "adm_skip_scale0=true:adm_skip_aim=true:adm_dlm_weight=0.9",
        "adm_skip_aim=true",
        "adm_min_val=1:adm_dlm_weight=0",
        "adm_noise_weight=0",
        "adm_norm_view_dist=2:adm_ref_display_height=1080",
    ];
    const BPC: &[u32] = &[8, 8, 10, 12, 16, 9, 11, 13, 14, 15];
    // (ref kind, dis kind)
    const KINDS: &[(u32, u32)] = &[
        (0, 0),
        (0, 6),
        (6, 0),
        (1, 1),
        (1, 0),
        (2, 2),
        (2, 4),
        (4, 2),
        (2, 3),
        (3, 4),
        (4, 3),
        (5, 1),
        (5, 5),
        (3, 3),
        (6, 6),
    ];
    let mut v = Vec::new();
    // Targeted: every option set on a natural-ish pair, every size, every depth, every content.
    for (i, o) in OPTS.iter().enumerate() {
        let (w, h) = SIZES[i % SIZES.len()];
        v.push(Case {
            w,
            h,
            bpc: 8,
            rk: 0,
            rs: 1,
            dk: 0,
            ds: 2,
            frames: 2,
            opts: format!("debug=true:{o}"),
        });
    }
    for &(w, h) in SIZES {
        for &bpc in &[8u32, 10, 16] {
            v.push(Case {
                w,
                h,
                bpc,
                rk: 0,
                rs: 3,
                dk: 1,
                ds: 4,
                frames: 1,
                opts: "debug=true".into(),
            });
        }
    }
    for &(rk, dk) in KINDS {
        for &bpc in &[8u32, 12, 16] {
            v.push(Case {
                w: 72,
                h: 48,
                bpc,
                rk,
                rs: 5,
                dk,
                ds: 6,
                frames: 1,
                opts: "debug=true".into(),
            });
        }
    }
    // larger frames with extreme content (i32 wraps in the 16-bit DWT and the CM threshold)
    for &(rk, dk) in &[(1u32, 2u32), (2, 1), (3, 2), (1, 1)] {
        v.push(Case {
            w: 640,
            h: 360,
            bpc: 16,
            rk,
            rs: 8,
            dk,
            ds: 9,
            frames: 1,
            opts: "debug=true".into(),
        });
    }
    // identical inputs
    v.push(Case {
        w: 96,
        h: 64,
        bpc: 10,
        rk: 0,
        rs: 7,
        dk: 0,
        ds: 7,
        frames: 2,
        opts: "debug=true".into(),
    });
    // Random mixes.
    let mut rng = Lcg(0x5eed_ad30);
    for _ in 0..120 {
        let (w, h) = SIZES[rng.next(SIZES.len())];
        let (rk, dk) = KINDS[rng.next(KINDS.len())];
        v.push(Case {
            w,
            h,
            bpc: BPC[rng.next(BPC.len())],
            rk,
            rs: rng.next(50) as u32,
            dk,
            ds: rng.next(50) as u32,
            frames: 1 + rng.next(2),
            opts: format!("debug=true:{}", OPTS[rng.next(OPTS.len())]),
        });
    }
    v
}

#[test]
fn matches_libvmaf_c_on_synthetic_frames() {
    let Some(exe) = build_harness() else {
        return;
    };
    let mut compared = 0usize;
    let mut failures = Vec::new();
    for c in cases() {
        let cres = run_c(&exe, &c);
        let rres = run_rust(&c);
        let (cfr, rfr) = match (cres, rres) {
            (Ok(a), Ok(b)) => (a, b),
            // both refuse
            (Err(_), Err(_)) => continue,
            (a, b) => {
                failures.push(format!(
                    "{}: C {:?} vs rvmaf {:?}",
                    c.label(),
                    a.err(),
                    b.err()
                ));
                continue;
            }
        };
        let def = features::by_name("adm").unwrap();
        let names = features::output_names(
            def,
            &def.parse_options(&FeatureDict::parse_colon_list(&c.opts).unwrap())
                .unwrap(),
        );
        for (f, (cf, rf)) in cfr.iter().zip(&rfr).enumerate() {
            assert_eq!(rf.entries().len(), cf.len(), "{}", c.label());
            // libvmaf leaves aim uninitialised when den == 0 (flat frames with nw = 0)
            let den_zero = cf.iter().any(|(k, v)| k == "integer_adm_den" && *v == 0.0);
            for ((rn, rv), (cn, cv)) in rf.entries().iter().zip(cf) {
                // same write order: our (suffixed) name is the one built from libvmaf's raw name
                let i = def.provided.iter().position(|p| p == cn).unwrap();
                assert_eq!(rn, &names[i], "{}: order", c.label());
                if den_zero && (cn.contains("aim") || cn.contains("adm3")) {
                    continue;
                }
                compared += 1;
                let same = rv.to_bits() == cv.to_bits() || (rv.is_nan() && cv.is_nan());
                if !same {
                    failures.push(format!(
                        "{} frame {f} {cn}: rvmaf {rv:.17e} libvmaf {cv:.17e}",
                        c.label()
                    ));
                }
            }
        }
    }
    if let Some(dir) = exe.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
    println!("compared {compared} values with libvmaf's C");
    if !failures.is_empty() {
        for f in failures.iter().take(40) {
            println!("{f}");
        }
        panic!("{} mismatches", failures.len());
    }
    assert!(compared > 1000);
}

/// libvmaf's outputs (all 18, debug order) for a few synthetic cases, printed by the harness
/// above from integer_adm.c at f85a853 (gcc 12, -O3 -std=c11, x86-64). Checked without the
/// mirror: the smallest accepted size, 16-bit all-max vs stripes (i32 wrap in the DWT), 12-bit
/// stripes vs black, Barten with its default scale (wrapped weights, NaN aim), mode 3 with
/// skip_scale0.
#[test]
#[allow(clippy::excessive_precision)] // libvmaf's %.17g text, verbatim
fn pinned_libvmaf_values() {
    #[rustfmt::skip]
    let pinned: [(Case, [f64; 18]); 5] = [
        (
            Case { w: 33, h: 33, bpc: 8, rk: 0, rs: 1, dk: 0, ds: 2, frames: 1, opts: String::new() },
            [0.67984608206339026, 0.25505053460700228, 0.71239777372819402, 0.40374877029370065,
             0.43600392599924409, 0.5602259808250325, 0.8615686560197956, 0.67984608206339026,
             136.04760408401489, 200.11530208587646, 6.0388979911804199, 14.95706844329834,
             12.330559730529785, 28.280845642089844, 32.501693725585938, 58.015327453613281,
             85.17645263671875, 98.862060546875],
        ),
        (
            Case { w: 80, h: 48, bpc: 16, rk: 3, rs: 0, dk: 2, ds: 0, frames: 1, opts: String::new() },
            [1.0, 2.0056344945886719, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 20.277105808258057,
             20.277105808258057, 8.5777187347412109, 8.5777187347412109, 5.669644832611084,
             5.669644832611084, 3.6993179321289062, 3.6993179321289062, 2.3304243087768555,
             2.3304243087768555],
        ),
        (
            Case { w: 72, h: 48, bpc: 12, rk: 2, rs: 5, dk: 4, ds: 6, frames: 1, opts: String::new() },
            [0.33404088590262937, 0.0, 0.66702044295131468, 0.17519016585651784, 1.0,
             0.93521782841320944, 0.9769111542783766, 0.33404088590262937, 19.580648899078369,
             58.6175217628479, 8.2272100448608398, 46.961597442626953, 5.451362133026123,
             5.451362133026123, 3.5716524124145508, 3.8190593719482422, 2.3304243087768555,
             2.385502815246582],
        ),
        (
            Case { w: 97, h: 61, bpc: 10, rk: 1, rs: 3, dk: 0, ds: 4, frames: 1, opts: "adm_csf_mode=1".into() },
            [0.0043502588631966826, f64::NAN, 0.0, 0.0051358097412792089, 0.0021993355563004438,
             0.0096535997170628784, 0.00025762740476505596, 0.0043502588631966826,
             228.38441848754883, 52499.041015625, 16.685317993164062, 3248.8193359375,
             19.232074737548828, 8744.4931640625, 187.02275085449219, 19373.369140625,
             5.44427490234375, 21132.359375],
        ),
        (
            Case { w: 64, h: 64, bpc: 8, rk: 0, rs: 1, dk: 0, ds: 2, frames: 1,
                   opts: "adm_csf_mode=3:adm_skip_scale0=true".into() },
            [0.8066646017379947, 0.20933182988317656, 0.79866638592740902, 0.0,
             0.46105869673804256, 0.74292327704441941, 0.93083090960621429, 0.8066646017379947,
             145.84706878662109, 180.80261421213612, 0.0, 1.000000013351432e-10,
             11.829212188720703, 25.65662956237793, 41.105518341064453, 55.329425811767578,
             92.912338256835938, 99.816558837890625],
        ),
    ];
    for (mut case, want) in pinned {
        case.opts = format!("debug=true:{}", case.opts);
        let got = run_rust(&case).unwrap();
        let got: Vec<f64> = got[0].entries().iter().map(|(_, v)| *v).collect();
        assert_eq!(got.len(), 18);
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!(
                g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()),
                "{} output {i} ({}): rvmaf {g:e} libvmaf {w:e}",
                case.label(),
                features::by_name("adm").unwrap().provided[i]
            );
        }
    }
}
