//! Raw planar YUV reader (`--width --height --pixel_format --bitdepth`).

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{read_planes, RawFormat, VideoReader, CHUNK};
use crate::error::{Error, Result};
use crate::frame::{Geometry, Picture};

/// Reads headerless planar frames (Y, then U, then V; chroma = ceil; >8 bit little-endian).
pub struct YuvReader {
    input: Box<dyn Read + Send>,
    path: PathBuf,
    geometry: Geometry,
    /// Conversion scratch (frames are read straight into the caller's picture).
    chunk: Vec<u8>,
    frame: u64,
}

impl YuvReader {
    /// Wraps a byte stream of raw frames.
    pub fn new(input: Box<dyn Read + Send>, path: &Path, fmt: RawFormat) -> Result<Self> {
        if fmt.width == 0 || fmt.height == 0 {
            return Err(Error::invalid(format!(
                "{}: raw input needs a non-zero width and height (got {}x{})",
                path.display(),
                fmt.width,
                fmt.height
            )));
        }
        if !(8..=16).contains(&fmt.bit_depth) {
            return Err(Error::invalid(format!(
                "{}: bit depth {} is not in 8..=16",
                path.display(),
                fmt.bit_depth
            )));
        }
        let geometry = Geometry {
            format: fmt.format,
            bit_depth: fmt.bit_depth,
            width: fmt.width,
            height: fmt.height,
        };
        Ok(YuvReader {
            input,
            path: path.to_path_buf(),
            chunk: vec![0; CHUNK],
            geometry,
            frame: 0,
        })
    }

    /// Reads the next frame into `pic` (or drops it); `false` at the end of the stream.
    fn fill(&mut self, pic: Option<&mut Picture>) -> Result<bool> {
        let g = self.geometry;
        let n = read_planes(&mut self.input, g, pic, 0, &mut self.chunk, &self.path)?;
        if n == 0 {
            return Ok(false);
        }
        let expected = g.frame_bytes();
        if n < expected {
            return Err(Error::TruncatedFrame {
                path: self.path.clone(),
                frame: self.frame,
                got: n,
                expected,
            });
        }
        Ok(true)
    }
}

impl VideoReader for YuvReader {
    fn geometry(&self) -> Geometry {
        self.geometry
    }
    fn read_frame(&mut self, pic: &mut Picture) -> Result<bool> {
        assert_eq!(pic.geometry(), self.geometry, "picture geometry");
        if !self.fill(Some(pic))? {
            return Ok(false);
        }
        self.frame += 1;
        Ok(true)
    }
    fn skip_frame(&mut self) -> Result<bool> {
        if !self.fill(None)? {
            return Ok(false);
        }
        self.frame += 1;
        Ok(true)
    }
    fn name(&self) -> &Path {
        &self.path
    }
    fn position(&self) -> u64 {
        self.frame
    }
}
