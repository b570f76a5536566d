//! Streaming video readers: Y4M (file, pipe or stdin) and raw planar YUV.
//!
//! Readers hold one frame's worth of buffer, whatever the stream length.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::error::{Error, Result};
use crate::frame::{Geometry, Picture, PixelFormat};

pub mod y4m;
pub mod yuv;

pub use y4m::Y4mReader;
pub use yuv::YuvReader;

/// A source of pictures of one fixed geometry.
pub trait VideoReader: Send {
    /// Format, depth and size of every frame.
    fn geometry(&self) -> Geometry;
    /// Reads the next frame into `pic` (which must have this reader's geometry).
    /// Returns `Ok(false)` at a clean end of stream.
    fn read_frame(&mut self, pic: &mut Picture) -> Result<bool>;
    /// Skips one frame; `Ok(false)` at the end of stream.
    fn skip_frame(&mut self) -> Result<bool>;
    /// Frame rate as a fraction, when the container says.
    fn frame_rate(&self) -> Option<(u32, u32)> {
        None
    }
    /// Name of the input for messages.
    fn name(&self) -> &Path;
    /// Index of the next frame to be read.
    fn position(&self) -> u64;
}

/// Geometry of a raw YUV input (`--width --height --pixel_format --bitdepth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawFormat {
    /// Luma width.
    pub width: usize,
    /// Luma height.
    pub height: usize,
    /// Pixel format.
    pub format: PixelFormat,
    /// Bit depth (8..=16; samples of more than 8 bits are little-endian u16).
    pub bit_depth: u32,
}

/// Opens `path` (`-` = stdin): raw YUV when `raw` is given, else Y4M.
pub fn open_video(path: &Path, raw: Option<RawFormat>) -> Result<Box<dyn VideoReader>> {
    let input = open_input(path)?;
    Ok(match raw {
        Some(fmt) => Box::new(YuvReader::new(input, path, fmt)?),
        None => Box::new(Y4mReader::new(input, path)?),
    })
}

/// Opens a file, or stdin for `-`, as a buffered byte stream.
pub fn open_input(path: &Path) -> Result<Box<dyn Read + Send>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(BufReader::with_capacity(
            1 << 20,
            std::io::stdin(),
        )));
    }
    let f = File::open(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    if f.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(Error::Io {
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "is a directory"),
        });
    }
    Ok(Box::new(BufReader::with_capacity(1 << 20, f)))
}

/// Reads until `buf` is full or EOF; returns the number of bytes read.
pub(crate) fn read_full(r: &mut dyn Read, buf: &mut [u8], path: &Path) -> Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                return Err(Error::Io {
                    path: path.to_path_buf(),
                    source: e,
                })
            }
        }
    }
    Ok(n)
}

/// Unpacks planar file bytes of one frame into `pic`.
pub(crate) fn unpack_planes(bytes: &[u8], pic: &mut Picture) {
    let g = pic.geometry();
    let mut off = 0;
    for p in 0..g.format.num_planes() {
        let (w, h) = g.plane_size(p);
        let n = w * h;
        if g.bit_depth == 8 {
            let dst = pic.plane_u8_mut(p).expect("8-bit picture");
            dst.copy_from_slice(&bytes[off..off + n]);
            off += n;
        } else {
            let dst = pic.plane_u16_mut(p).expect("16-bit picture");
            for (d, s) in dst.iter_mut().zip(bytes[off..off + 2 * n].chunks_exact(2)) {
                *d = u16::from_le_bytes([s[0], s[1]]);
            }
            off += 2 * n;
        }
    }
}
