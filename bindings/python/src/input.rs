//! Inputs: Y4M paths and numpy arrays (a luma stack or a `(Y, U, V)` tuple) turned into frame
//! sources that hand out [`PictureView`]s without the GIL.
//!
//! C-contiguous frames are borrowed from numpy; other layouts are copied one frame at a time.

use std::path::PathBuf;

use numpy::ndarray::{ArrayView3, Axis, Ix3};
use numpy::{PyArrayDescrMethods, PyReadonlyArrayDyn, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use rvmaf::io::{open_video, VideoReader};
use rvmaf::{Error, Geometry, Picture, PictureView, PixelFormat, Plane, PlaneRef};

use crate::error::invalid;

/// How many leading axes a frame array has: a stack of frames `(N, H, W)` or one frame `(H, W)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rank {
    /// `(N, H, W)` arrays (score, cambi).
    Stack,
    /// `(H, W)` arrays (Scorer.push).
    Frame,
}

impl Rank {
    fn ndim(self) -> usize {
        match self {
            Rank::Stack => 3,
            Rank::Frame => 2,
        }
    }
    fn shape_name(self) -> &'static str {
        match self {
            Rank::Stack => "(frames, height, width)",
            Rank::Frame => "(height, width)",
        }
    }
}

/// Numpy planes (1 for 4:0:0, 3 otherwise), all of one sample type.
pub(crate) enum ArrayPlanes<'py> {
    /// 8-bit samples.
    U8(Vec<PyReadonlyArrayDyn<'py, u8>>),
    /// 9..16-bit samples.
    U16(Vec<PyReadonlyArrayDyn<'py, u16>>),
}

/// A validated numpy input.
pub(crate) struct ArrayInput<'py> {
    planes: ArrayPlanes<'py>,
    rank: Rank,
    geometry: Geometry,
    frames: usize,
}

/// A validated input: a file to open, or numpy planes.
pub(crate) enum Input<'py> {
    /// A Y4M file; `bit_depth` is what the caller asserted, if anything.
    Path(PathBuf, Option<u32>),
    /// Numpy planes.
    Arrays(ArrayInput<'py>),
}

/// The `bit_depth=` argument, checked.
pub(crate) fn check_bit_depth(bit_depth: Option<i64>) -> PyResult<Option<u32>> {
    match bit_depth {
        None => Ok(None),
        Some(b) if (8..=16).contains(&b) => Ok(Some(b as u32)),
        Some(b) => Err(invalid(format!("bit_depth={b} is not in 8..16"))),
    }
}

fn shape_str(shape: &[usize]) -> String {
    let parts: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    if parts.len() == 1 {
        format!("({},)", parts[0])
    } else {
        format!("({})", parts.join(", "))
    }
}

/// The pixel format whose chroma planes of a `w`×`h` picture are `cw`×`ch` (ceil sizes).
fn format_from_chroma(w: usize, h: usize, cw: usize, ch: usize) -> Option<PixelFormat> {
    [
        PixelFormat::Yuv420,
        PixelFormat::Yuv422,
        PixelFormat::Yuv444,
    ]
    .into_iter()
    .find(|f| f.plane_size(1, w, h) == (cw, ch))
}

impl<'py> Input<'py> {
    /// Validates `obj`: a Y4M path (only for [`Rank::Stack`]), a numpy array, or a tuple of
    /// three numpy arrays (Y, U, V). `label` names the argument in messages.
    pub(crate) fn extract(
        obj: &Bound<'py, PyAny>,
        rank: Rank,
        bit_depth: Option<u32>,
        label: &str,
    ) -> PyResult<Input<'py>> {
        let arrays: Vec<Bound<'py, PyUntypedArray>> = if let Ok(a) = obj.cast::<PyUntypedArray>() {
            vec![a.clone()]
        } else if let Ok(t) = obj.cast::<PyTuple>() {
            if t.len() != 3 {
                return Err(invalid(format!(
                    "{label}: a tuple must hold the three planes (Y, U, V), got {} items",
                    t.len()
                )));
            }
            let mut v = Vec::with_capacity(3);
            for (i, item) in t.iter().enumerate() {
                let a = item.cast_into::<PyUntypedArray>().map_err(|e| {
                    PyTypeError::new_err(format!(
                        "{label}: plane {i} of the (Y, U, V) tuple is not a numpy array but {}",
                        type_name(&e.into_inner())
                    ))
                })?;
                v.push(a);
            }
            v
        } else if rank == Rank::Stack && !obj.is_instance_of::<pyo3::types::PyList>() {
            match obj.extract::<PathBuf>() {
                Ok(p) => return Ok(Input::Path(p, bit_depth)),
                Err(_) => return Err(type_error(obj, rank, label)),
            }
        } else {
            return Err(type_error(obj, rank, label));
        };
        Ok(Input::Arrays(ArrayInput::new(
            arrays, rank, bit_depth, label,
        )?))
    }
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

fn type_error(obj: &Bound<'_, PyAny>, rank: Rank, label: &str) -> PyErr {
    let what = match rank {
        Rank::Stack => "a Y4M path, a numpy array shaped (frames, height, width) or a (Y, U, V) tuple of such arrays",
        Rank::Frame => "a numpy array shaped (height, width) or a (Y, U, V) tuple of such arrays",
    };
    PyTypeError::new_err(format!("{label}: expected {what}, got {}", type_name(obj)))
}

impl<'py> ArrayInput<'py> {
    fn new(
        arrays: Vec<Bound<'py, PyUntypedArray>>,
        rank: Rank,
        bit_depth: Option<u32>,
        label: &str,
    ) -> PyResult<Self> {
        let py = arrays[0].py();
        let u8_t = numpy::dtype::<u8>(py);
        let u16_t = numpy::dtype::<u16>(py);
        let plane_label = |i: usize| {
            if arrays.len() == 1 {
                label.to_string()
            } else {
                format!("{label} plane {}", ["Y", "U", "V"][i])
            }
        };
        let mut wide = None;
        for (i, a) in arrays.iter().enumerate() {
            let dt = a.dtype();
            let is16 = if dt.is_equiv_to(&u8_t) {
                false
            } else if dt.is_equiv_to(&u16_t) {
                true
            } else {
                return Err(invalid(format!(
                    "{}: dtype {dt} is not supported; use uint8 for 8-bit or uint16 for 9..16-bit samples",
                    plane_label(i)
                )));
            };
            match wide {
                None => wide = Some(is16),
                Some(w) if w != is16 => {
                    return Err(invalid(format!(
                        "{label}: the Y, U and V planes must share one dtype"
                    )))
                }
                Some(_) => {}
            }
            if a.ndim() != rank.ndim() {
                return Err(invalid(format!(
                    "{}: expected a {}-D array {}, got a {}-D array of shape {}",
                    plane_label(i),
                    rank.ndim(),
                    rank.shape_name(),
                    a.ndim(),
                    shape_str(a.shape())
                )));
            }
        }
        let wide = wide.unwrap_or(false);
        let bit_depth = match (wide, bit_depth) {
            (false, None | Some(8)) => 8,
            (false, Some(b)) => {
                return Err(invalid(format!(
                    "{label}: bit_depth={b} needs uint16 samples, got uint8"
                )))
            }
            (true, None) => {
                return Err(invalid(format!(
                    "{label}: uint16 samples need bit_depth= (9..16) to say how many bits are used"
                )))
            }
            (true, Some(8)) => {
                return Err(invalid(format!(
                    "{label}: 8-bit samples must be uint8, got uint16 with bit_depth=8"
                )))
            }
            (true, Some(b)) => b,
        };
        // (frames, height, width) of plane i.
        let dims = |a: &Bound<'py, PyUntypedArray>| -> (usize, usize, usize) {
            let s = a.shape();
            match rank {
                Rank::Stack => (s[0], s[1], s[2]),
                Rank::Frame => (1, s[0], s[1]),
            }
        };
        let (frames, height, width) = dims(&arrays[0]);
        if frames == 0 {
            return Err(invalid(format!("{label}: the array holds no frames")));
        }
        if width == 0 || height == 0 {
            return Err(invalid(format!(
                "{}: frames of {width}x{height} have no samples",
                plane_label(0)
            )));
        }
        let format = if arrays.len() == 1 {
            PixelFormat::Yuv400
        } else {
            let (nu, hu, wu) = dims(&arrays[1]);
            let (nv, hv, wv) = dims(&arrays[2]);
            if nu != frames || nv != frames {
                return Err(invalid(format!(
                    "{label}: planes hold different frame counts (Y {frames}, U {nu}, V {nv})"
                )));
            }
            if (hu, wu) != (hv, wv) {
                return Err(invalid(format!(
                    "{label}: U is {wu}x{hu} but V is {wv}x{hv} (width x height)"
                )));
            }
            format_from_chroma(width, height, wu, hu).ok_or_else(|| {
                invalid(format!(
                    "{label}: chroma planes of {wu}x{hu} fit no pixel format for {width}x{height} luma \
                     (4:2:0 needs {}x{}, 4:2:2 {}x{}, 4:4:4 {width}x{height}; width x height, odd sizes round up)",
                    width.div_ceil(2),
                    height.div_ceil(2),
                    width.div_ceil(2),
                    height
                ))
            })?
        };
        let planes = if wide {
            ArrayPlanes::U16(
                arrays
                    .iter()
                    .map(|a| a.extract::<PyReadonlyArrayDyn<'py, u16>>())
                    .collect::<PyResult<_>>()?,
            )
        } else {
            ArrayPlanes::U8(
                arrays
                    .iter()
                    .map(|a| a.extract::<PyReadonlyArrayDyn<'py, u8>>())
                    .collect::<PyResult<_>>()?,
            )
        };
        Ok(ArrayInput {
            planes,
            rank,
            geometry: Geometry {
                format,
                bit_depth,
                width,
                height,
            },
            frames,
        })
    }
}

impl Input<'_> {
    /// A frame source over this input (files are opened by [`Source::open`], without the GIL).
    pub(crate) fn source(&self, label: &str) -> Source<'_> {
        match self {
            Input::Path(p, bd) => Source::Video(VideoSource {
                path: p.clone(),
                expect_depth: *bd,
                reader: None,
                pic: None,
            }),
            Input::Arrays(a) => match &a.planes {
                ArrayPlanes::U8(p) => Source::U8(ArraySource::new(
                    stack_views(p, a.rank),
                    a.geometry,
                    a.frames,
                    label,
                )),
                ArrayPlanes::U16(p) => Source::U16(ArraySource::new(
                    stack_views(p, a.rank),
                    a.geometry,
                    a.frames,
                    label,
                )),
            },
        }
    }
}

/// `(N, H, W)` views of validated planes (a single frame gets a leading axis of 1).
fn stack_views<'a, T: numpy::Element>(
    planes: &'a [PyReadonlyArrayDyn<'_, T>],
    rank: Rank,
) -> Vec<ArrayView3<'a, T>> {
    planes
        .iter()
        .map(|x| {
            let v = x.as_array();
            let v = if rank == Rank::Frame {
                v.insert_axis(Axis(0))
            } else {
                v
            };
            v.into_dimensionality::<Ix3>()
                .expect("rank checked at extraction")
        })
        .collect()
}

/// A sample type of numpy planes.
pub(crate) trait Sample: Copy + Into<u32> + Send + Sync + 'static {
    /// Wraps a plane of this type.
    fn plane_ref(p: Plane<'_, Self>) -> PlaneRef<'_>;
}

impl Sample for u8 {
    fn plane_ref(p: Plane<'_, u8>) -> PlaneRef<'_> {
        PlaneRef::U8(p)
    }
}

impl Sample for u16 {
    fn plane_ref(p: Plane<'_, u16>) -> PlaneRef<'_> {
        PlaneRef::U16(p)
    }
}

/// Frames from numpy planes, one at a time.
pub(crate) struct ArraySource<'a, T> {
    planes: Vec<ArrayView3<'a, T>>,
    geometry: Geometry,
    frames: usize,
    label: String,
    next: usize,
    current: usize,
    /// Copies of non-contiguous planes of the current frame (`None` = borrowed).
    copies: [Option<Vec<T>>; 3],
}

impl<'a, T: Sample> ArraySource<'a, T> {
    fn new(planes: Vec<ArrayView3<'a, T>>, geometry: Geometry, frames: usize, label: &str) -> Self {
        ArraySource {
            planes,
            geometry,
            frames,
            label: label.to_string(),
            next: 0,
            current: 0,
            copies: [None, None, None],
        }
    }

    fn advance(&mut self) -> rvmaf::Result<bool> {
        if self.next >= self.frames {
            return Ok(false);
        }
        let i = self.next;
        let max = (1u32 << self.geometry.bit_depth) - 1;
        for (p, plane) in self.planes.iter().enumerate() {
            let frame = plane.index_axis(Axis(0), i);
            let copy = &mut self.copies[p];
            let samples: &[T] = match frame.to_slice() {
                Some(s) => {
                    *copy = None;
                    s
                }
                None => {
                    let buf = copy.get_or_insert_with(Vec::new);
                    buf.clear();
                    buf.extend(frame.iter().copied());
                    buf
                }
            };
            if self.geometry.bit_depth > 8 && self.geometry.bit_depth < 16 {
                if let Some(v) = samples.iter().map(|&s| s.into()).max().filter(|&v| v > max) {
                    let plane_name = if self.planes.len() == 1 {
                        String::new()
                    } else {
                        format!(", plane {}", ["Y", "U", "V"][p])
                    };
                    return Err(Error::Picture(format!(
                        "{}: frame {i}{plane_name}: sample value {v} exceeds {max}, the largest {}-bit value",
                        self.label, self.geometry.bit_depth
                    )));
                }
            }
        }
        self.current = i;
        self.next = i + 1;
        Ok(true)
    }

    fn view(&self) -> rvmaf::Result<PictureView<'_>> {
        let g = self.geometry;
        let mut refs = Vec::with_capacity(3);
        for (p, plane) in self.planes.iter().enumerate() {
            let (w, h) = g.plane_size(p);
            let data: &[T] = match &self.copies[p] {
                Some(buf) => buf,
                None => (*plane)
                    .index_axis_move(Axis(0), self.current)
                    .to_slice()
                    .ok_or_else(|| Error::invalid("frame layout changed"))?,
            };
            refs.push(T::plane_ref(Plane::new(data, w, h, w)?));
        }
        PictureView::new(g.format, g.bit_depth, g.width, g.height, &refs)
    }
}

/// Frames read from a Y4M file.
pub(crate) struct VideoSource {
    path: PathBuf,
    expect_depth: Option<u32>,
    reader: Option<Box<dyn VideoReader>>,
    pic: Option<Picture>,
}

/// A source of frames: a Y4M file or numpy planes.
pub(crate) enum Source<'a> {
    /// A Y4M file.
    Video(VideoSource),
    /// 8-bit numpy planes.
    U8(ArraySource<'a, u8>),
    /// 9..16-bit numpy planes.
    U16(ArraySource<'a, u16>),
}

impl Source<'_> {
    /// Opens files (reads the Y4M header); a no-op for arrays.
    pub(crate) fn open(&mut self) -> rvmaf::Result<()> {
        if let Source::Video(v) = self {
            if v.reader.is_none() {
                let r = open_video(&v.path, None)?;
                let g = r.geometry();
                if let Some(bd) = v.expect_depth {
                    if bd != g.bit_depth {
                        return Err(Error::invalid(format!(
                            "bit_depth={bd} but {} is {}-bit",
                            v.path.display(),
                            g.bit_depth
                        )));
                    }
                }
                v.pic = Some(Picture::new(g)?);
                v.reader = Some(r);
            }
        }
        Ok(())
    }

    /// Format, depth and size of every frame (after [`Source::open`]).
    pub(crate) fn geometry(&self) -> Geometry {
        match self {
            Source::Video(v) => v
                .reader
                .as_ref()
                .expect("source opened before use")
                .geometry(),
            Source::U8(a) => a.geometry,
            Source::U16(a) => a.geometry,
        }
    }

    /// The name used in messages.
    pub(crate) fn label(&self) -> String {
        match self {
            Source::Video(v) => v.path.display().to_string(),
            Source::U8(a) => a.label.clone(),
            Source::U16(a) => a.label.clone(),
        }
    }

    /// Moves to the next frame; `false` at the end.
    pub(crate) fn advance(&mut self) -> rvmaf::Result<bool> {
        match self {
            Source::Video(v) => {
                let (Some(r), Some(p)) = (v.reader.as_mut(), v.pic.as_mut()) else {
                    return Err(Error::invalid("source read before it was opened"));
                };
                r.read_frame(p)
            }
            Source::U8(a) => a.advance(),
            Source::U16(a) => a.advance(),
        }
    }

    /// The current frame (after a successful [`Source::advance`]).
    pub(crate) fn view(&self) -> rvmaf::Result<PictureView<'_>> {
        match self {
            Source::Video(v) => Ok(v
                .pic
                .as_ref()
                .ok_or_else(|| Error::invalid("source read before it was opened"))?
                .view()),
            Source::U8(a) => a.view(),
            Source::U16(a) => a.view(),
        }
    }
}

/// "640x360 420 8-bit".
pub(crate) fn describe(g: &Geometry) -> String {
    format!(
        "{}x{} {} {}-bit",
        g.width,
        g.height,
        g.format.as_str(),
        g.bit_depth
    )
}

/// Fails unless `a` and `b` have the same geometry.
pub(crate) fn check_same(a: &Source<'_>, b: &Source<'_>) -> rvmaf::Result<()> {
    let (ga, gb) = (a.geometry(), b.geometry());
    if ga != gb {
        return Err(Error::Mismatch(format!(
            "{} is {} but {} is {}",
            a.label(),
            describe(&ga),
            b.label(),
            describe(&gb)
        )));
    }
    Ok(())
}
