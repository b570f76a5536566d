//! `RvmafPicture`: a caller's frame as plane pointers and byte strides, checked and turned
//! into a borrowed `PictureView` without copying.

use std::ffi::c_void;

use rvmaf::{Geometry, PictureView, PixelFormat, Plane, PlaneRef};

use crate::error::FfiError;

/// Luma only (4:0:0): only `data[0]`/`stride[0]` are read.
pub const RVMAF_PIXEL_FORMAT_YUV400: RvmafPixelFormat = 400;
/// 4:2:0: chroma planes of `ceil(width / 2)` × `ceil(height / 2)` samples.
pub const RVMAF_PIXEL_FORMAT_YUV420: RvmafPixelFormat = 420;
/// 4:2:2: chroma planes of `ceil(width / 2)` × `height` samples.
pub const RVMAF_PIXEL_FORMAT_YUV422: RvmafPixelFormat = 422;
/// 4:4:4: chroma planes of `width` × `height` samples.
pub const RVMAF_PIXEL_FORMAT_YUV444: RvmafPixelFormat = 444;
/// Chroma subsampling of a picture (`RVMAF_PIXEL_FORMAT_*`).
pub type RvmafPixelFormat = u32;

/// The largest width or height accepted.
pub const RVMAF_MAX_DIMENSION: u32 = 1 << 16;

/// One frame as the caller holds it in memory, described for a single call.
///
/// Planes are Y, Cb (U), Cr (V). 8-bit pictures hold one byte per sample; 9–16 bit pictures
/// hold one native-endian `uint16_t` per sample with the value in the low `bit_depth` bits, so
/// their plane pointers must be 2-byte aligned and their strides even, and samples above
/// `2^bit_depth - 1` are rejected. Chroma plane sizes are
/// rounded up for odd luma sizes (a 5×3 4:2:0 picture has 3×2 chroma planes).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct RvmafPicture {
    /// First sample of each plane; `data[1]` and `data[2]` are ignored for 4:0:0.
    pub data: [*const c_void; 3],
    /// Distance in bytes between the starts of two rows of each plane; at least the plane width
    /// times the bytes per sample.
    pub stride: [usize; 3],
    /// Luma width in samples, 1 to `RVMAF_MAX_DIMENSION`.
    pub width: u32,
    /// Luma height in rows, 1 to `RVMAF_MAX_DIMENSION`.
    pub height: u32,
    /// Pixel format, one of `RVMAF_PIXEL_FORMAT_*`.
    pub format: RvmafPixelFormat,
    /// Bits per sample, 8 to 16.
    pub bit_depth: u32,
}

/// The pixel format for a C value.
pub(crate) fn pixel_format(v: RvmafPixelFormat) -> Result<PixelFormat, FfiError> {
    Ok(match v {
        RVMAF_PIXEL_FORMAT_YUV400 => PixelFormat::Yuv400,
        RVMAF_PIXEL_FORMAT_YUV420 => PixelFormat::Yuv420,
        RVMAF_PIXEL_FORMAT_YUV422 => PixelFormat::Yuv422,
        RVMAF_PIXEL_FORMAT_YUV444 => PixelFormat::Yuv444,
        _ => {
            return Err(FfiError::picture(format!(
                "unknown pixel format {v} (use 400, 420, 422 or 444)"
            )))
        }
    })
}

/// The geometry a picture description claims, checked.
pub(crate) fn geometry(p: &RvmafPicture) -> Result<Geometry, FfiError> {
    let format = pixel_format(p.format)?;
    if !(8..=16).contains(&p.bit_depth) {
        return Err(FfiError::picture(format!(
            "bit depth {} is not in 8..16",
            p.bit_depth
        )));
    }
    for (what, v) in [("width", p.width), ("height", p.height)] {
        if v == 0 || v > RVMAF_MAX_DIMENSION {
            return Err(FfiError::picture(format!(
                "{what} {v} is not in 1..{RVMAF_MAX_DIMENSION}"
            )));
        }
    }
    Ok(Geometry {
        format,
        bit_depth: p.bit_depth,
        width: p.width as usize,
        height: p.height as usize,
    })
}

/// Checks `p` and borrows its planes as a view.
///
/// # Safety
/// For every plane the format uses, `data[i]` is NULL or points to memory readable for
/// `(plane_height - 1) * stride[i] + plane_width * bytes_per_sample` bytes that is not written
/// for `'a`.
pub(crate) unsafe fn view<'a>(p: &RvmafPicture) -> Result<PictureView<'a>, FfiError> {
    let g = geometry(p)?;
    let bps = g.bytes_per_sample();
    let mut planes: Vec<PlaneRef<'a>> = Vec::with_capacity(3);
    for i in 0..g.format.num_planes() {
        let (w, h) = g.plane_size(i);
        let ptr = p.data[i];
        if ptr.is_null() {
            return Err(FfiError::null(&format!("picture data[{i}]")));
        }
        let stride = p.stride[i];
        let row = w * bps;
        if stride < row {
            return Err(FfiError::picture(format!(
                "plane {i}: stride {stride} bytes is less than a row of {w} samples ({row} bytes)"
            )));
        }
        if bps == 2 && (!stride.is_multiple_of(2) || !(ptr as usize).is_multiple_of(2)) {
            return Err(FfiError::picture(format!(
                "plane {i}: {}-bit samples need a 2-byte aligned pointer and an even stride \
                 (stride {stride})",
                g.bit_depth
            )));
        }
        let len = (h - 1)
            .checked_mul(stride)
            .and_then(|n| n.checked_add(row))
            .filter(|&n| n <= isize::MAX as usize)
            .ok_or_else(|| {
                FfiError::picture(format!(
                    "plane {i}: stride {stride} overflows the address space"
                ))
            })?;
        if (ptr as usize).checked_add(len).is_none() {
            return Err(FfiError::picture(format!(
                "plane {i}: the plane would wrap around the address space"
            )));
        }
        let plane = if bps == 1 {
            // SAFETY: `ptr` is non-NULL and, per the caller, readable for `len` bytes and not
            // written for 'a; `len <= isize::MAX` and the range does not wrap.
            let data = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
            PlaneRef::U8(Plane::new(data, w, h, stride)?)
        } else {
            // SAFETY: as above; `ptr` is 2-byte aligned and `len` is even (stride and row
            // are), so the bytes form `len / 2` u16 values.
            let data = unsafe { std::slice::from_raw_parts(ptr.cast::<u16>(), len / 2) };
            let plane = Plane::new(data, w, h, stride / 2)?;
            let max = ((1u32 << g.bit_depth) - 1) as u16;
            if g.bit_depth < 16 && plane.rows().any(|r| r.iter().any(|&v| v > max)) {
                return Err(FfiError::picture(format!(
                    "plane {i}: a sample is above {max}, the largest {}-bit value",
                    g.bit_depth
                )));
            }
            PlaneRef::U16(plane)
        };
        planes.push(plane);
    }
    Ok(PictureView::new(
        g.format,
        g.bit_depth,
        g.width,
        g.height,
        &planes,
    )?)
}
