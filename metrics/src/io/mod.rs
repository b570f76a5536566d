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

/// Read-ahead of an input stream: frames are read straight into pictures past it, so it only
/// serves headers and FRAME lines.
const INPUT_BUFFER: usize = 1 << 16;

/// Opens a file, or stdin for `-`, as a buffered byte stream.
pub fn open_input(path: &Path) -> Result<Box<dyn Read + Send>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(BufReader::with_capacity(
            INPUT_BUFFER,
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
    Ok(Box::new(BufReader::with_capacity(INPUT_BUFFER, f)))
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

/// Bytes read per call when samples are wider than a byte (they are converted from a buffer
/// this size) and when bytes are dropped.
pub(crate) const CHUNK: usize = 1 << 16;

/// Reads one frame of planar file samples (Y, U, V; above 8 bits little-endian 16-bit words)
/// straight into `pic`, or drops them when `pic` is `None`, then drops `extra` trailing bytes.
/// `chunk` is scratch of [`CHUNK`] bytes. Returns the bytes read: `frame_bytes + extra` unless
/// the input ended first (then `pic` holds a partial frame).
pub(crate) fn read_planes(
    r: &mut dyn Read,
    g: Geometry,
    pic: Option<&mut Picture>,
    extra: usize,
    chunk: &mut [u8],
    path: &Path,
) -> Result<usize> {
    let mut got = 0;
    let Some(pic) = pic else {
        return skip_bytes(r, g.frame_bytes() + extra, chunk, path);
    };
    for p in 0..g.format.num_planes() {
        if g.bit_depth == 8 {
            let dst = pic.plane_u8_mut(p).expect("8-bit picture");
            let n = read_full(r, dst, path)?;
            got += n;
            if n < dst.len() {
                return Ok(got);
            }
        } else {
            let dst = pic.plane_u16_mut(p).expect("16-bit picture");
            for d in dst.chunks_mut(chunk.len() / 2) {
                let bytes = &mut chunk[..2 * d.len()];
                let n = read_full(r, bytes, path)?;
                got += n;
                if n < bytes.len() {
                    return Ok(got);
                }
                for (x, s) in d.iter_mut().zip(bytes.chunks_exact(2)) {
                    *x = u16::from_le_bytes([s[0], s[1]]);
                }
            }
        }
    }
    Ok(got + skip_bytes(r, extra, chunk, path)?)
}

/// Reads and drops `n` bytes; returns how many there were (fewer at the end of the input).
fn skip_bytes(r: &mut dyn Read, n: usize, chunk: &mut [u8], path: &Path) -> Result<usize> {
    let mut got = 0;
    while got < n {
        let want = (n - got).min(chunk.len());
        let k = read_full(r, &mut chunk[..want], path)?;
        got += k;
        if k < want {
            break;
        }
    }
    Ok(got)
}
