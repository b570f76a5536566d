//! `ciede`: CIEDE2000 colour difference (libvmaf `ciede.c`).
//!
//! Every pixel pair is converted from limited-range BT.709 Y'CbCr to CIELAB and compared
//! with CIEDE2000 (libvmaf's weights k_L = 0.65, k_C = 1, k_H = 4); the frame score
//! `ciede2000` is `45 − 20·log10(mean ΔE00)` over luma-sized pixels (`+inf` for identical
//! frames). Subsampled chroma is upsampled by nearest neighbour first.
//!
//! Deliberate differences from libvmaf:
//! * 4:0:0 input, which libvmaf refuses, is scored as if both chroma planes held the neutral
//!   value `128 << (bpc − 8)` — what libvmaf computes on the same luma as 4:2:0 with flat
//!   grey chroma.
//! * Odd-size 4:2:0 uses every `ceil(w/2)` chroma sample rvmaf keeps (libvmaf's picture has
//!   `floor` chroma and reads one row/column past it).
//!
//! Kept on purpose: libvmaf's 4:2:2 upsampler is wrong (it halves the column index only for
//! 4:2:0 and advances the chroma row every second line for 4:2:2 too, reading the wrong
//! samples; see [`scalar::libvmaf_422_row`]). The corpus golden of the 8-bit 4:2:2 pair
//! (static_coffee_422, computed by libvmaf) is matched exactly with the bug reproduced and
//! misses by 0.013–0.036 with a correct upsampler, so rvmaf reproduces it to stay
//! identical to libvmaf.

pub mod scalar;

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::features::{
    check_geometry, output_names, Extractor, ExtractorDef, FrameInput, FrameScores,
};
use crate::frame::{Geometry, PictureView, PixelFormat, Plane, PlaneRef};
use crate::options::Options;
use scalar::ChromaUpsampling;

/// Extractor `ciede` (no options).
pub static DEF: ExtractorDef = ExtractorDef {
    name: "ciede",
    provided: &["ciede2000"],
    options: &[],
    temporal: false,
    prev_ref: false,
    create,
};

const NAME: &str = "ciede";

fn create(options: &Options, geometry: Geometry) -> Result<Box<dyn Extractor>> {
    let bpc = geometry.bit_depth;
    if !matches!(bpc, 8 | 10 | 12 | 16) {
        return Err(Error::extraction(
            NAME,
            format!("bit depth {bpc} is not supported (8, 10, 12 or 16)"),
        ));
    }
    let mode = match geometry.format {
        PixelFormat::Yuv444 => ChromaUpsampling::None,
        PixelFormat::Yuv420 => ChromaUpsampling::Half420,
        PixelFormat::Yuv422 => ChromaUpsampling::libvmaf_422(geometry.width),
        PixelFormat::Yuv400 => ChromaUpsampling::Neutral(128 << (bpc - 8)),
    };
    let w = geometry.width;
    Ok(Box::new(Ciede {
        geometry,
        mode,
        rows: std::array::from_fn(|_| vec![0; w]),
        name: output_names(&DEF, options).remove(0),
    }))
}

/// A running `ciede` instance; `rows` are the six luma-width row buffers
/// (ref Y, U, V, dis Y, U, V).
struct Ciede {
    geometry: Geometry,
    mode: ChromaUpsampling,
    rows: [Vec<u16>; 6],
    name: Arc<str>,
}

/// Sums ΔE00 over the frame in libvmaf's (row, column) order.
fn frame_sum<T: Copy + Into<u32>>(
    reference: [Plane<'_, T>; 3],
    distorted: [Plane<'_, T>; 3],
    mode: ChromaUpsampling,
    bit_depth: u32,
    rows: &mut [Vec<u16>; 6],
) -> f64 {
    let mut sum = 0.0;
    let [ry, ru, rv, dy, du, dv] = rows;
    for y in 0..reference[0].height() {
        scalar::load_row(&reference[0], y, ry);
        scalar::chroma_row(&reference[1], Some(&reference[2]), mode, y, ru);
        scalar::chroma_row(&reference[2], None, mode, y, rv);
        scalar::load_row(&distorted[0], y, dy);
        scalar::chroma_row(&distorted[1], Some(&distorted[2]), mode, y, du);
        scalar::chroma_row(&distorted[2], None, mode, y, dv);
        scalar::accumulate_row(ry, ru, rv, dy, du, dv, bit_depth, &mut sum);
    }
    sum
}

/// The three planes of an 8-bit view.
fn planes_u8<'a>(v: &PictureView<'a>) -> Option<[Plane<'a, u8>; 3]> {
    match (v.plane(0), v.plane(1), v.plane(2)) {
        (PlaneRef::U8(a), PlaneRef::U8(b), PlaneRef::U8(c)) => Some([a, b, c]),
        _ => None,
    }
}

/// The three planes of a 9–16 bit view.
fn planes_u16<'a>(v: &PictureView<'a>) -> Option<[Plane<'a, u16>; 3]> {
    match (v.plane(0), v.plane(1), v.plane(2)) {
        (PlaneRef::U16(a), PlaneRef::U16(b), PlaneRef::U16(c)) => Some([a, b, c]),
        _ => None,
    }
}

impl Extractor for Ciede {
    fn extract(&mut self, input: &FrameInput<'_>, out: &mut FrameScores) -> Result<()> {
        let (r, d) = (&input.reference, &input.distorted);
        check_geometry(NAME, self.geometry, r)?;
        check_geometry(NAME, self.geometry, d)?;
        // 4:0:0 views carry empty chroma planes; `Neutral` never reads them.
        let bpc = self.geometry.bit_depth;
        let sum = if let (Some(rp), Some(dp)) = (planes_u8(r), planes_u8(d)) {
            frame_sum(rp, dp, self.mode, bpc, &mut self.rows)
        } else if let (Some(rp), Some(dp)) = (planes_u16(r), planes_u16(d)) {
            frame_sum(rp, dp, self.mode, bpc, &mut self.rows)
        } else {
            return Err(Error::Mismatch(format!("{NAME}: sample types differ")));
        };
        out.push(
            &self.name,
            scalar::score(sum, self.geometry.width, self.geometry.height),
        );
        Ok(())
    }
}
