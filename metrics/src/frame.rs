//! Pictures: pixel formats, owned pictures and borrowed strided plane views.
//!
//! Samples are `u8` for 8-bit content and `u16` (value in the low bits) for 9–16 bit
//! content. Chroma plane sizes are `ceil(luma / 2)` in subsampled directions, so odd
//! sizes keep every chroma sample (libvmaf's own picture uses `floor`).

use crate::error::{Error, Result};

/// Chroma subsampling of a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PixelFormat {
    /// Luma only (4:0:0).
    Yuv400,
    /// 4:2:0, chroma halved in both directions.
    Yuv420,
    /// 4:2:2, chroma halved horizontally.
    Yuv422,
    /// 4:4:4, no subsampling.
    Yuv444,
}

impl PixelFormat {
    /// Number of planes (1 for 4:0:0, else 3).
    pub fn num_planes(self) -> usize {
        if self == PixelFormat::Yuv400 {
            1
        } else {
            3
        }
    }
    /// Horizontal and vertical chroma shift (0 or 1).
    pub fn chroma_shift(self) -> (u32, u32) {
        match self {
            PixelFormat::Yuv400 | PixelFormat::Yuv420 => (1, 1),
            PixelFormat::Yuv422 => (1, 0),
            PixelFormat::Yuv444 => (0, 0),
        }
    }
    /// Width and height of plane `p` for a `w`×`h` picture (chroma = ceil; 0×0 for missing planes).
    pub fn plane_size(self, p: usize, w: usize, h: usize) -> (usize, usize) {
        if p == 0 {
            return (w, h);
        }
        if self == PixelFormat::Yuv400 {
            return (0, 0);
        }
        let (sx, sy) = self.chroma_shift();
        ((w + (1 << sx) - 1) >> sx, (h + (1 << sy) - 1) >> sy)
    }
    /// libvmaf's name of the format (`"420"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            PixelFormat::Yuv400 => "400",
            PixelFormat::Yuv420 => "420",
            PixelFormat::Yuv422 => "422",
            PixelFormat::Yuv444 => "444",
        }
    }
    /// Parses `"400"`, `"420"`, `"422"` or `"444"` (also with a `yuv` prefix and `p` suffix).
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim_start_matches("yuv").trim_end_matches('p');
        Some(match t {
            "400" => PixelFormat::Yuv400,
            "420" => PixelFormat::Yuv420,
            "422" => PixelFormat::Yuv422,
            "444" => PixelFormat::Yuv444,
            _ => return None,
        })
    }
}

/// A sample type: `u8` or `u16`.
pub trait Pixel: Copy + Default + Send + Sync + 'static + Into<u32> + std::fmt::Debug {
    /// Size in bytes.
    const BYTES: usize;
    /// Converts from `u32`, truncating.
    fn from_u32(v: u32) -> Self;
}
impl Pixel for u8 {
    const BYTES: usize = 1;
    fn from_u32(v: u32) -> Self {
        v as u8
    }
}
impl Pixel for u16 {
    const BYTES: usize = 2;
    fn from_u32(v: u32) -> Self {
        v as u16
    }
}

/// A borrowed 2-D plane: `height` rows of `width` samples, rows `stride` samples apart.
#[derive(Debug, Clone, Copy)]
pub struct Plane<'a, T> {
    data: &'a [T],
    width: usize,
    height: usize,
    stride: usize,
}

impl<'a, T: Copy> Plane<'a, T> {
    /// Wraps `data`; fails when the slice is too short or `stride < width`.
    pub fn new(data: &'a [T], width: usize, height: usize, stride: usize) -> Result<Self> {
        if stride < width {
            return Err(Error::Picture(format!(
                "stride {stride} is smaller than width {width}"
            )));
        }
        let need = if height == 0 {
            0
        } else {
            (height - 1) * stride + width
        };
        if data.len() < need {
            return Err(Error::Picture(format!(
                "plane of {width}x{height} (stride {stride}) needs {need} samples, got {}",
                data.len()
            )));
        }
        Ok(Plane {
            data,
            width,
            height,
            stride,
        })
    }
    /// Width in samples.
    #[inline]
    pub fn width(&self) -> usize {
        self.width
    }
    /// Height in rows.
    #[inline]
    pub fn height(&self) -> usize {
        self.height
    }
    /// Distance between rows, in samples.
    #[inline]
    pub fn stride(&self) -> usize {
        self.stride
    }
    /// Row `y` (exactly `width` samples).
    #[inline]
    pub fn row(&self, y: usize) -> &'a [T] {
        let s = y * self.stride;
        &self.data[s..s + self.width]
    }
    /// Sample at column `x`, row `y`.
    #[inline]
    pub fn at(&self, x: usize, y: usize) -> T {
        self.data[y * self.stride + x]
    }
    /// The underlying slice (rows `stride` apart).
    #[inline]
    pub fn data(&self) -> &'a [T] {
        self.data
    }
    /// Iterator over rows.
    pub fn rows(&self) -> impl Iterator<Item = &'a [T]> + '_ {
        (0..self.height).map(move |y| self.row(y))
    }
}

/// A borrowed plane of either sample type.
#[derive(Debug, Clone, Copy)]
pub enum PlaneRef<'a> {
    /// 8-bit samples.
    U8(Plane<'a, u8>),
    /// 9–16 bit samples.
    U16(Plane<'a, u16>),
}

impl<'a> PlaneRef<'a> {
    /// Width in samples.
    pub fn width(&self) -> usize {
        match self {
            PlaneRef::U8(p) => p.width(),
            PlaneRef::U16(p) => p.width(),
        }
    }
    /// Height in rows.
    pub fn height(&self) -> usize {
        match self {
            PlaneRef::U8(p) => p.height(),
            PlaneRef::U16(p) => p.height(),
        }
    }
    /// Sample at (x, y) widened to u32.
    pub fn at(&self, x: usize, y: usize) -> u32 {
        match self {
            PlaneRef::U8(p) => p.at(x, y) as u32,
            PlaneRef::U16(p) => p.at(x, y) as u32,
        }
    }
}

/// A borrowed picture: format, depth, size and up to three planes.
#[derive(Debug, Clone, Copy)]
pub struct PictureView<'a> {
    format: PixelFormat,
    bit_depth: u32,
    width: usize,
    height: usize,
    planes: [PlaneRef<'a>; 3],
}

fn check_geometry(format: PixelFormat, bit_depth: u32, width: usize, height: usize) -> Result<()> {
    if !(8..=16).contains(&bit_depth) {
        return Err(Error::Picture(format!(
            "bit depth {bit_depth} is not in 8..=16"
        )));
    }
    if width == 0 || height == 0 {
        return Err(Error::Picture(format!(
            "size {width}x{height} has a zero dimension"
        )));
    }
    let _ = format;
    Ok(())
}

impl<'a> PictureView<'a> {
    /// Builds a view from planes; checks sample type against depth and plane sizes against the format.
    pub fn new(
        format: PixelFormat,
        bit_depth: u32,
        width: usize,
        height: usize,
        planes: &[PlaneRef<'a>],
    ) -> Result<Self> {
        check_geometry(format, bit_depth, width, height)?;
        let n = format.num_planes();
        if planes.len() < n {
            return Err(Error::Picture(format!(
                "format {} needs {n} planes, got {}",
                format.as_str(),
                planes.len()
            )));
        }
        for (p, plane) in planes.iter().take(n).enumerate() {
            let (pw, ph) = format.plane_size(p, width, height);
            if plane.width() != pw || plane.height() != ph {
                return Err(Error::Picture(format!(
                    "plane {p} is {}x{}, expected {pw}x{ph} for {width}x{height} {}",
                    plane.width(),
                    plane.height(),
                    format.as_str()
                )));
            }
            let ok = matches!(
                (plane, bit_depth),
                (PlaneRef::U8(_), 8) | (PlaneRef::U16(_), 9..=16)
            );
            if !ok {
                return Err(Error::Picture(format!(
                    "plane {p}: {}-bit content needs {} samples",
                    bit_depth,
                    if bit_depth == 8 { "u8" } else { "u16" }
                )));
            }
        }
        let empty = match planes[0] {
            PlaneRef::U8(_) => PlaneRef::U8(Plane::new(&[], 0, 0, 0)?),
            PlaneRef::U16(_) => PlaneRef::U16(Plane::new(&[], 0, 0, 0)?),
        };
        let mut arr = [planes[0], empty, empty];
        arr[1..n].copy_from_slice(&planes[1..n]);
        Ok(PictureView {
            format,
            bit_depth,
            width,
            height,
            planes: arr,
        })
    }
    /// Pixel format.
    #[inline]
    pub fn format(&self) -> PixelFormat {
        self.format
    }
    /// Bits per sample (8..=16).
    #[inline]
    pub fn bit_depth(&self) -> u32 {
        self.bit_depth
    }
    /// Luma width.
    #[inline]
    pub fn width(&self) -> usize {
        self.width
    }
    /// Luma height.
    #[inline]
    pub fn height(&self) -> usize {
        self.height
    }
    /// Plane `p` (0 = Y, 1 = U/Cb, 2 = V/Cr); empty for missing chroma planes.
    #[inline]
    pub fn plane(&self, p: usize) -> PlaneRef<'a> {
        self.planes[p]
    }
    /// Luma plane.
    #[inline]
    pub fn luma(&self) -> PlaneRef<'a> {
        self.planes[0]
    }
    /// Geometry of this picture.
    pub fn geometry(&self) -> Geometry {
        Geometry {
            format: self.format,
            bit_depth: self.bit_depth,
            width: self.width,
            height: self.height,
        }
    }
    /// Copies this view into an owned [`Picture`].
    pub fn to_owned_picture(&self) -> Picture {
        let mut pic = Picture::new(self.geometry()).expect("view geometry is valid");
        pic.copy_from(self).expect("same geometry");
        pic
    }
}

/// Format, depth and luma size shared by every picture of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Geometry {
    /// Pixel format.
    pub format: PixelFormat,
    /// Bits per sample (8..=16).
    pub bit_depth: u32,
    /// Luma width.
    pub width: usize,
    /// Luma height.
    pub height: usize,
}

impl Geometry {
    /// Width and height of plane `p`.
    pub fn plane_size(&self, p: usize) -> (usize, usize) {
        self.format.plane_size(p, self.width, self.height)
    }
    /// Bytes per sample in files (1 or 2).
    pub fn bytes_per_sample(&self) -> usize {
        if self.bit_depth > 8 {
            2
        } else {
            1
        }
    }
    /// Bytes of one frame in planar file layout.
    pub fn frame_bytes(&self) -> usize {
        (0..self.format.num_planes())
            .map(|p| {
                let (w, h) = self.plane_size(p);
                w * h
            })
            .sum::<usize>()
            * self.bytes_per_sample()
    }
}

/// Owned sample storage of a [`Picture`].
#[derive(Debug, Clone)]
enum Storage {
    U8([Vec<u8>; 3]),
    U16([Vec<u16>; 3]),
}

/// An owned picture with tightly packed planes (stride = width).
#[derive(Debug, Clone)]
pub struct Picture {
    geometry: Geometry,
    storage: Storage,
}

impl Picture {
    /// Allocates a zeroed picture.
    pub fn new(geometry: Geometry) -> Result<Self> {
        check_geometry(
            geometry.format,
            geometry.bit_depth,
            geometry.width,
            geometry.height,
        )?;
        let len = |p: usize| {
            let (w, h) = geometry.plane_size(p);
            w * h
        };
        let storage = if geometry.bit_depth == 8 {
            Storage::U8([vec![0; len(0)], vec![0; len(1)], vec![0; len(2)]])
        } else {
            Storage::U16([vec![0; len(0)], vec![0; len(1)], vec![0; len(2)]])
        };
        Ok(Picture { geometry, storage })
    }
    /// Geometry.
    pub fn geometry(&self) -> Geometry {
        self.geometry
    }
    /// Borrowed view.
    pub fn view(&self) -> PictureView<'_> {
        let g = self.geometry;
        let mk = |p: usize| -> PlaneRef<'_> {
            let (w, h) = g.plane_size(p);
            match &self.storage {
                Storage::U8(v) => PlaneRef::U8(Plane {
                    data: &v[p],
                    width: w,
                    height: h,
                    stride: w,
                }),
                Storage::U16(v) => PlaneRef::U16(Plane {
                    data: &v[p],
                    width: w,
                    height: h,
                    stride: w,
                }),
            }
        };
        PictureView {
            format: g.format,
            bit_depth: g.bit_depth,
            width: g.width,
            height: g.height,
            planes: [mk(0), mk(1), mk(2)],
        }
    }
    /// Mutable samples of plane `p` for 8-bit pictures (`None` for deeper ones).
    pub fn plane_u8_mut(&mut self, p: usize) -> Option<&mut [u8]> {
        match &mut self.storage {
            Storage::U8(v) => Some(&mut v[p]),
            Storage::U16(_) => None,
        }
    }
    /// Mutable samples of plane `p` for 9–16 bit pictures (`None` for 8-bit).
    pub fn plane_u16_mut(&mut self, p: usize) -> Option<&mut [u16]> {
        match &mut self.storage {
            Storage::U16(v) => Some(&mut v[p]),
            Storage::U8(_) => None,
        }
    }
    /// Copies samples from a view of the same geometry.
    pub fn copy_from(&mut self, src: &PictureView<'_>) -> Result<()> {
        if src.geometry() != self.geometry {
            return Err(Error::Picture("copy between different geometries".into()));
        }
        for p in 0..self.geometry.format.num_planes() {
            match (&mut self.storage, src.plane(p)) {
                (Storage::U8(v), PlaneRef::U8(s)) => {
                    let w = s.width();
                    for (y, row) in s.rows().enumerate() {
                        v[p][y * w..(y + 1) * w].copy_from_slice(row);
                    }
                }
                (Storage::U16(v), PlaneRef::U16(s)) => {
                    let w = s.width();
                    for (y, row) in s.rows().enumerate() {
                        v[p][y * w..(y + 1) * w].copy_from_slice(row);
                    }
                }
                _ => return Err(Error::Picture("sample type mismatch".into())),
            }
        }
        Ok(())
    }
    /// Copies `src` into this picture at a higher or equal bit depth, shifting every sample
    /// left by the depth difference (8-bit 235 → 10-bit 940). Format and size must match.
    pub fn copy_from_upshifted(&mut self, src: &PictureView<'_>) -> Result<()> {
        let g = self.geometry;
        let sg = src.geometry();
        if (sg.format, sg.width, sg.height) != (g.format, g.width, g.height)
            || sg.bit_depth > g.bit_depth
        {
            return Err(Error::Picture(format!(
                "cannot convert {}-bit {}x{} to {}-bit {}x{}",
                sg.bit_depth, sg.width, sg.height, g.bit_depth, g.width, g.height
            )));
        }
        if sg.bit_depth == g.bit_depth {
            return self.copy_from(src);
        }
        let shift = g.bit_depth - sg.bit_depth;
        let Storage::U16(dst) = &mut self.storage else {
            unreachable!("a deeper picture stores u16")
        };
        for (p, d) in dst.iter_mut().enumerate().take(g.format.num_planes()) {
            let plane = src.plane(p);
            let w = plane.width();
            for y in 0..plane.height() {
                for x in 0..w {
                    d[y * w + x] = (plane.at(x, y) << shift) as u16;
                }
            }
        }
        Ok(())
    }
    /// Fills plane `p` with `value`.
    pub fn fill_plane(&mut self, p: usize, value: u16) {
        match &mut self.storage {
            Storage::U8(v) => v[p].fill(value as u8),
            Storage::U16(v) => v[p].fill(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chroma_sizes_are_ceil() {
        assert_eq!(PixelFormat::Yuv420.plane_size(1, 481, 271), (241, 136));
        assert_eq!(PixelFormat::Yuv422.plane_size(2, 481, 271), (241, 271));
        assert_eq!(PixelFormat::Yuv444.plane_size(1, 481, 271), (481, 271));
        assert_eq!(PixelFormat::Yuv400.plane_size(1, 481, 271), (0, 0));
        assert_eq!(PixelFormat::Yuv420.plane_size(1, 1, 1), (1, 1));
    }

    #[test]
    fn frame_bytes() {
        let g = Geometry {
            format: PixelFormat::Yuv420,
            bit_depth: 10,
            width: 3,
            height: 3,
        };
        assert_eq!(g.frame_bytes(), (9 + 4 + 4) * 2);
    }

    #[test]
    fn view_checks_sizes_and_types() {
        let y = [0u8; 12];
        let c = [0u8; 4];
        let pl = |d: &'static [u8], w, h| PlaneRef::U8(Plane::new(d, w, h, w).unwrap());
        let _ = pl;
        let yp = PlaneRef::U8(Plane::new(&y, 4, 3, 4).unwrap());
        let cp = PlaneRef::U8(Plane::new(&c, 2, 2, 2).unwrap());
        assert!(PictureView::new(PixelFormat::Yuv420, 8, 4, 3, &[yp, cp, cp]).is_ok());
        assert!(PictureView::new(PixelFormat::Yuv420, 10, 4, 3, &[yp, cp, cp]).is_err());
        assert!(PictureView::new(PixelFormat::Yuv444, 8, 4, 3, &[yp, cp, cp]).is_err());
        assert!(PictureView::new(PixelFormat::Yuv400, 8, 4, 3, &[yp]).is_ok());
        assert!(Plane::new(&y, 5, 3, 5).is_err());
    }
}
