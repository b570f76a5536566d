//! Scalar reference kernels of `psnr` (libvmaf `integer_psnr.c`).
//!
//! Both kernels return the plane's sum of squared errors with libvmaf's integer widths:
//! the 8-bit path sums each row into a wrapping `u32` before adding it to the `u64` plane
//! total (`psnr`), the high-bit-depth path squares `|diff|` in `u32` and adds each square to
//! the `u64` total (`psnr_hbd`).

use crate::frame::Plane;

/// Sum of squared errors of two 8-bit planes of equal size (integer_psnr.c: `psnr`).
pub fn sse_u8(reference: &Plane<'_, u8>, distorted: &Plane<'_, u8>) -> u64 {
    let mut sse: u64 = 0;
    for y in 0..reference.height() {
        sse += sse_row_u8(reference.row(y), distorted.row(y)) as u64;
    }
    sse
}

/// One row of [`sse_u8`]: squares of the `i16` differences summed in a wrapping `u32`.
#[inline]
pub fn sse_row_u8(reference: &[u8], distorted: &[u8]) -> u32 {
    let mut acc: u32 = 0;
    for (&r, &d) in reference.iter().zip(distorted) {
        let e = r as i16 - d as i16;
        acc = acc.wrapping_add((e as i32 * e as i32) as u32);
    }
    acc
}

/// Sum of squared errors of two 9–16 bit planes of equal size (integer_psnr.c: `psnr_hbd`).
pub fn sse_u16(reference: &Plane<'_, u16>, distorted: &Plane<'_, u16>) -> u64 {
    let mut sse: u64 = 0;
    for y in 0..reference.height() {
        sse = sse.wrapping_add(sse_row_u16(reference.row(y), distorted.row(y)));
    }
    sse
}

/// One row of [`sse_u16`]: `|diff|` squared in `u32`, accumulated in `u64`.
#[inline]
pub fn sse_row_u16(reference: &[u16], distorted: &[u16]) -> u64 {
    let mut acc: u64 = 0;
    for (&r, &d) in reference.iter().zip(distorted) {
        let e = (r as i32 - d as i32).unsigned_abs();
        acc += e.wrapping_mul(e) as u64;
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_sums() {
        assert_eq!(sse_row_u8(&[0, 255, 10], &[255, 0, 13]), 2 * 65025 + 9);
        assert_eq!(sse_row_u16(&[0, 65535], &[65535, 0]), 2 * 65535u64 * 65535);
    }

    #[test]
    fn u8_row_sum_wraps_like_c() {
        // 66052 squares of 255 exceed u32 within one row: libvmaf's u32 row sum wraps.
        let r = vec![0u8; 66052];
        let d = vec![255u8; 66052];
        let expect = (66052u64 * 65025) as u32;
        assert_eq!(sse_row_u8(&r, &d), expect);
        let pr = Plane::new(&r, 66052, 1, 66052).unwrap();
        let pd = Plane::new(&d, 66052, 1, 66052).unwrap();
        assert_eq!(sse_u8(&pr, &pd), expect as u64);
    }
}
