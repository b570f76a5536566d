//! Pictures with libvmaf's layout (`picture.h`), the picture pool, and their conversion to
//! rvmaf pictures.
//!
//! libvmaf layout: chroma planes of `w >> 1` columns (4:2:0, 4:2:2) and `h >> 1` rows (4:2:0),
//! none for 4:0:0; rows 32-byte aligned (`stride = align32(width) << (bpc > 8)` bytes); one
//! zeroed, 32-byte aligned block holding Y, then U, then V.

use std::alloc::{alloc_zeroed, dealloc, Layout};
use std::os::raw::{c_int, c_uint, c_void};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use rvmaf::{Picture, PictureView, PixelFormat, Plane, PlaneRef};

use crate::types::{VmafPicture, VmafPixelFormatRaw};
use crate::{guard, EINVAL, ENOMEM};

const MAGIC: u64 = 0x7276_6d61_6650_6963;
const ALIGN: usize = 32;

/// Geometry of a libvmaf picture allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PicGeometry {
    pub fmt: PixelFormat,
    pub pix_fmt: c_uint,
    pub bpc: c_uint,
    pub w: [usize; 3],
    pub h: [usize; 3],
    /// Row distance in bytes.
    pub stride: [usize; 3],
    pub offset: [usize; 3],
    pub size: usize,
}

/// Maps libvmaf's pixel-format value.
pub(crate) fn pixel_format(v: VmafPixelFormatRaw) -> Option<PixelFormat> {
    Some(match v {
        1 => PixelFormat::Yuv420,
        2 => PixelFormat::Yuv422,
        3 => PixelFormat::Yuv444,
        4 => PixelFormat::Yuv400,
        _ => return None,
    })
}

impl PicGeometry {
    /// libvmaf's geometry for a `w` x `h` picture; `Err` holds the negative errno.
    pub(crate) fn new(pix_fmt: c_uint, bpc: c_uint, w: c_uint, h: c_uint) -> Result<Self, c_int> {
        let fmt = pixel_format(pix_fmt).ok_or(EINVAL)?;
        if !(8..=16).contains(&bpc) || w == 0 || h == 0 {
            return Err(EINVAL);
        }
        let (w, h) = (w as usize, h as usize);
        let (cw, ch) = match fmt {
            PixelFormat::Yuv400 => (0, 0),
            PixelFormat::Yuv420 => (w >> 1, h >> 1),
            PixelFormat::Yuv422 => (w >> 1, h),
            PixelFormat::Yuv444 => (w, h),
        };
        let hbd = usize::from(bpc > 8);
        let align = |x: usize| x.checked_add(ALIGN - 1).map(|v| (v & !(ALIGN - 1)) << hbd);
        let sy = align(w).ok_or(ENOMEM)?;
        let sc = align(cw).ok_or(ENOMEM)?;
        let y_sz = sy.checked_mul(h).ok_or(ENOMEM)?;
        let uv_sz = sc.checked_mul(ch).ok_or(ENOMEM)?;
        let size = uv_sz
            .checked_mul(2)
            .and_then(|v| v.checked_add(y_sz))
            .filter(|&s| s <= isize::MAX as usize / 2)
            .ok_or(ENOMEM)?;
        Ok(PicGeometry {
            fmt,
            pix_fmt,
            bpc,
            w: [w, cw, cw],
            h: [h, ch, ch],
            stride: [sy, sc, sc],
            offset: [0, y_sz, y_sz + uv_sz],
            size,
        })
    }

    fn planes(&self) -> usize {
        if self.fmt == PixelFormat::Yuv400 {
            1
        } else {
            3
        }
    }
}

/// Reference count and storage of one picture (libvmaf's `VmafRef`, opaque in C).
#[derive(Debug)]
pub struct VmafRef {
    magic: u64,
    count: AtomicUsize,
    buf: NonNull<u8>,
    layout: Layout,
    pub(crate) geo: PicGeometry,
    pool: Option<Arc<PoolShared>>,
}

// SAFETY: the buffer is owned by the VmafRef and only accessed through it.
unsafe impl Send for VmafRef {}
// SAFETY: shared access only reads the buffer or the atomic count.
unsafe impl Sync for VmafRef {}

impl Drop for VmafRef {
    fn drop(&mut self) {
        // SAFETY: allocated in `VmafRef::alloc` with this layout.
        unsafe { dealloc(self.buf.as_ptr(), self.layout) };
    }
}

impl VmafRef {
    /// Allocates a zeroed picture of geometry `geo`.
    pub(crate) fn alloc(
        geo: PicGeometry,
        pool: Option<Arc<PoolShared>>,
    ) -> Result<Box<Self>, c_int> {
        let layout = Layout::from_size_align(geo.size.max(1), ALIGN).map_err(|_| ENOMEM)?;
        // SAFETY: the layout has a non-zero size.
        let buf = NonNull::new(unsafe { alloc_zeroed(layout) }).ok_or(ENOMEM)?;
        Ok(Box::new(VmafRef {
            magic: MAGIC,
            count: AtomicUsize::new(1),
            buf,
            layout,
            geo,
            pool,
        }))
    }

    /// Fills a C picture struct describing this allocation (taking over one reference).
    pub(crate) fn fill(self: Box<Self>, pic: &mut VmafPicture) {
        let g = self.geo;
        let base = self.buf.as_ptr();
        let r = Box::into_raw(self);
        pic.pix_fmt = g.pix_fmt;
        pic.bpc = g.bpc;
        for i in 0..3 {
            pic.w[i] = g.w[i] as c_uint;
            pic.h[i] = g.h[i] as c_uint;
            pic.stride[i] = g.stride[i] as isize;
            pic.data[i] = if i < g.planes() {
                // SAFETY: offsets lie within the allocation (offset <= size).
                unsafe { base.add(g.offset[i]) }.cast()
            } else {
                std::ptr::null_mut()
            };
        }
        pic.ref_ = r;
        pic.priv_ = r.cast();
    }

    /// The allocation behind a C picture, if the struct still describes it unchanged.
    ///
    /// # Safety
    /// `pic.ref_` is NULL or a pointer set by this library that was not released.
    pub(crate) unsafe fn of<'a>(pic: &VmafPicture) -> Option<&'a VmafRef> {
        if pic.ref_.is_null() {
            return None;
        }
        // SAFETY: per the contract, a live VmafRef.
        let r = unsafe { &*pic.ref_ };
        if r.magic != MAGIC {
            return None;
        }
        let g = &r.geo;
        let base = r.buf.as_ptr();
        let same = pic.pix_fmt == g.pix_fmt
            && pic.bpc == g.bpc
            && (0..g.planes()).all(|i| {
                pic.w[i] as usize == g.w[i]
                    && pic.h[i] as usize == g.h[i]
                    && pic.stride[i] == g.stride[i] as isize
                    // SAFETY: offsets lie within the allocation.
                    && pic.data[i] == unsafe { base.add(g.offset[i]) }.cast::<c_void>()
            });
        same.then_some(r)
    }

    /// Drops one reference: at zero the picture returns to its pool or is freed.
    ///
    /// # Safety
    /// `r` is a live VmafRef from `Box::into_raw` whose reference the caller gives up.
    pub(crate) unsafe fn release(r: *mut VmafRef) {
        // SAFETY: live per the contract.
        if unsafe { &*r }.count.fetch_sub(1, Ordering::AcqRel) != 1 {
            return;
        }
        // SAFETY: the last reference: we own it again.
        let b = unsafe { Box::from_raw(r) };
        match b.pool.clone() {
            Some(p) => p.give_back(b),
            None => drop(b),
        }
    }

    fn plane_u8(&self, p: usize) -> &[u8] {
        let g = &self.geo;
        let len = plane_len(g, p);
        // SAFETY: the plane lies within the allocation, which lives as long as `self`.
        unsafe { std::slice::from_raw_parts(self.buf.as_ptr().add(g.offset[p]), len) }
    }

    fn plane_u16(&self, p: usize) -> &[u16] {
        let g = &self.geo;
        let len = plane_len(g, p) / 2;
        // SAFETY: within the allocation; offsets and strides of >8-bit pictures are multiples
        // of 64 bytes from a 32-byte aligned base, so the u16 view is aligned.
        unsafe { std::slice::from_raw_parts(self.buf.as_ptr().add(g.offset[p]).cast::<u16>(), len) }
    }

    /// An rvmaf view of this picture: zero-copy when the chroma sizes agree (even sizes,
    /// 4:4:4, 4:0:0); otherwise `scratch` receives a copy with rvmaf's rounded-up chroma,
    /// whose last column/row replicates the one before.
    pub(crate) fn view<'a>(
        &'a self,
        scratch: &'a mut Option<Picture>,
    ) -> rvmaf::Result<PictureView<'a>> {
        let g = &self.geo;
        let (w, h) = (g.w[0], g.h[0]);
        let n = g.planes();
        let ceil = |p| g.fmt.plane_size(p, w, h);
        let exact = (1..n).all(|p| ceil(p) == (g.w[p], g.h[p]));
        let hbd = g.bpc > 8;
        if exact {
            let planes: Vec<PlaneRef<'a>> = (0..n)
                .map(|p| {
                    Ok(if hbd {
                        PlaneRef::U16(Plane::new(
                            self.plane_u16(p),
                            g.w[p],
                            g.h[p],
                            g.stride[p] / 2,
                        )?)
                    } else {
                        PlaneRef::U8(Plane::new(self.plane_u8(p), g.w[p], g.h[p], g.stride[p])?)
                    })
                })
                .collect::<rvmaf::Result<_>>()?;
            return PictureView::new(g.fmt, g.bpc, w, h, &planes);
        }
        if (1..n).any(|p| g.w[p] == 0 || g.h[p] == 0) {
            return Err(rvmaf::Error::Picture(format!(
                "{w}x{h} is too small for its chroma subsampling"
            )));
        }
        let geometry = rvmaf::Geometry {
            format: g.fmt,
            bit_depth: g.bpc,
            width: w,
            height: h,
        };
        if scratch.as_ref().map(Picture::geometry) != Some(geometry) {
            *scratch = Some(Picture::new(geometry)?);
        }
        let pic = scratch.as_mut().expect("set above");
        for p in 0..n {
            let (cw, chh) = ceil(p);
            if hbd {
                let src = self.plane_u16(p);
                let dst = pic.plane_u16_mut(p).expect("deep picture");
                replicate(src, g.w[p], g.h[p], g.stride[p] / 2, dst, cw, chh);
            } else {
                let src = self.plane_u8(p);
                let dst = pic.plane_u8_mut(p).expect("8-bit picture");
                replicate(src, g.w[p], g.h[p], g.stride[p], dst, cw, chh);
            }
        }
        Ok(scratch.as_ref().expect("set above").view())
    }
}

fn plane_len(g: &PicGeometry, p: usize) -> usize {
    if g.h[p] == 0 || g.w[p] == 0 {
        0
    } else {
        (g.h[p] - 1) * g.stride[p] + g.w[p] * if g.bpc > 8 { 2 } else { 1 }
    }
}

/// Copies a `sw` x `sh` plane (rows `ss` apart) into a packed `dw` x `dh` plane (`dw >= sw`,
/// `dh >= sh`), repeating the last column and row.
fn replicate<T: Copy>(
    src: &[T],
    sw: usize,
    sh: usize,
    ss: usize,
    dst: &mut [T],
    dw: usize,
    dh: usize,
) {
    for y in 0..dh {
        let sy = y.min(sh - 1);
        let row = &src[sy * ss..sy * ss + sw];
        let out = &mut dst[y * dw..(y + 1) * dw];
        out[..sw].copy_from_slice(row);
        let last = row[sw - 1];
        out[sw..].fill(last);
    }
}

/// Shared state of a picture pool.
#[derive(Debug)]
pub(crate) struct PoolShared {
    geo: PicGeometry,
    state: Mutex<PoolState>,
    cv: Condvar,
}

#[derive(Debug)]
struct PoolState {
    // Boxed: C holds the address of each VmafRef while the picture is out.
    #[allow(clippy::vec_box)]
    free: Vec<Box<VmafRef>>,
    closed: bool,
}

impl PoolShared {
    /// A pool of `n` pictures of geometry `geo`.
    pub(crate) fn new(geo: PicGeometry, n: usize) -> Result<Arc<Self>, c_int> {
        let pool = Arc::new(PoolShared {
            geo,
            state: Mutex::new(PoolState {
                free: Vec::with_capacity(n),
                closed: false,
            }),
            cv: Condvar::new(),
        });
        for _ in 0..n {
            let r = VmafRef::alloc(geo, Some(Arc::clone(&pool)));
            match r {
                Ok(r) => pool.lock().free.push(r),
                Err(e) => {
                    pool.close();
                    return Err(e);
                }
            }
        }
        Ok(pool)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PoolState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn give_back(&self, r: Box<VmafRef>) {
        let mut s = self.lock();
        if s.closed {
            drop(s);
            drop(r);
            return;
        }
        r.count.store(1, Ordering::Release);
        s.free.push(r);
        self.cv.notify_one();
    }

    /// Waits for a free picture (libvmaf blocks too); `None` once the pool is closed.
    pub(crate) fn fetch(&self) -> Option<Box<VmafRef>> {
        let mut s = self.lock();
        loop {
            if s.closed {
                return None;
            }
            if let Some(r) = s.free.pop() {
                return Some(r);
            }
            s = self.cv.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Frees the idle pictures; pictures still out are freed when released.
    pub(crate) fn close(&self) {
        let free = {
            let mut s = self.lock();
            s.closed = true;
            std::mem::take(&mut s.free)
        };
        drop(free);
        self.cv.notify_all();
    }

    /// True when a picture is idle.
    pub(crate) fn has_free(&self) -> bool {
        !self.lock().free.is_empty()
    }

    /// Geometry of the pool's pictures.
    pub(crate) fn geometry(&self) -> PicGeometry {
        self.geo
    }
}

/// Allocates a zeroed picture with libvmaf's layout into `*pic`.
///
/// Returns 0, `-EINVAL` (NULL `pic`, unknown `pix_fmt`, `bpc` outside 8..=16, zero size) or
/// `-ENOMEM`. Release it with `vmaf_picture_unref`, or hand it to `vmaf_read_pictures`.
///
/// # Safety
/// `pic` is NULL or points to writable memory for a `VmafPicture`.
#[no_mangle]
pub unsafe extern "C" fn vmaf_picture_alloc(
    pic: *mut VmafPicture,
    pix_fmt: VmafPixelFormatRaw,
    bpc: c_uint,
    w: c_uint,
    h: c_uint,
) -> c_int {
    guard(|| {
        if pic.is_null() {
            return EINVAL;
        }
        // SAFETY: writable per the contract (all-zero is a valid VmafPicture).
        let pic = unsafe {
            pic.write(std::mem::zeroed());
            &mut *pic
        };
        let r = PicGeometry::new(pix_fmt, bpc, w, h).and_then(|g| VmafRef::alloc(g, None));
        match r {
            Ok(r) => {
                r.fill(pic);
                0
            }
            Err(e) => e,
        }
    })
}

/// Drops the caller's reference to a picture and zeroes the struct; at the last reference the
/// memory is freed (or returned to its pool).
///
/// Returns 0, or `-EINVAL` for NULL or a picture that holds no reference.
///
/// # Safety
/// `pic` is NULL or a picture struct filled by this library (or zeroed).
#[no_mangle]
pub unsafe extern "C" fn vmaf_picture_unref(pic: *mut VmafPicture) -> c_int {
    guard(|| {
        if pic.is_null() {
            return EINVAL;
        }
        // SAFETY: valid per the contract.
        let p = unsafe { &mut *pic };
        if p.ref_.is_null() {
            return EINVAL;
        }
        // SAFETY: set by this library; the magic check rejects other structs.
        if unsafe { &*p.ref_ }.magic != MAGIC {
            return EINVAL;
        }
        // SAFETY: the caller gives up this reference.
        unsafe {
            VmafRef::release(p.ref_);
            pic.write(std::mem::zeroed());
        }
        0
    })
}
