//! The sample sources of SpEED's filter: f32 planes, or picture planes read directly.

use super::filter::{reflect101, NUM_SCALES};
use crate::frame::Plane;

/// Where the f32 samples of the plane SpEED filters come from (all give the value the scalar
/// path stores in its f32 plane: `load_plane`'s conversion, or the difference of two).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source<'a> {
    /// Samples already in f32, rows `stride` apart.
    F32(&'a [f32], usize),
    /// 8-bit samples: `v + (-128)`.
    U8(Plane<'a, u8>),
    /// Deeper samples: `v / scaler + (-128)`.
    U16(Plane<'a, u16>, f32),
    /// `conv(a) - conv(b)` of 8-bit planes.
    DiffU8(Plane<'a, u8>, Plane<'a, u8>),
    /// `conv(a) - conv(b)` of deeper planes.
    DiffU16(Plane<'a, u16>, Plane<'a, u16>, f32),
}

/// `picture_copy`'s offset.
pub(crate) const OFFSET: f32 = -128.0;

impl Source<'_> {
    /// The sample at row `r`, column `j`.
    #[inline]
    pub(crate) fn at(&self, r: usize, j: usize) -> f32 {
        match *self {
            Source::F32(d, stride) => d[r * stride + j],
            Source::U8(p) => p.at(j, r) as f32 + OFFSET,
            Source::U16(p, s) => p.at(j, r) as f32 / s + OFFSET,
            Source::DiffU8(a, b) => (a.at(j, r) as f32 + OFFSET) - (b.at(j, r) as f32 + OFFSET),
            Source::DiffU16(a, b, s) => {
                (a.at(j, r) as f32 / s + OFFSET) - (b.at(j, r) as f32 / s + OFFSET)
            }
        }
    }
}

/// Output rows the decimating filter reads, for a `h`-row plane and `taps` taps: row r is
/// read when it lies within the window of some output row `16 i` (`i < h / 16`).
pub(crate) fn rows_read(h: usize, taps: usize) -> Vec<bool> {
    let mut read = vec![false; h];
    let half = (taps / 2) as isize;
    let step = 1usize << NUM_SCALES;
    for i in 0..h / step {
        for k in 0..taps {
            read[reflect101((i * step) as isize - half + k as isize, h as isize)] = true;
        }
    }
    read
}
