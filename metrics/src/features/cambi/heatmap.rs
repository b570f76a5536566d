//! CAMBI heatmaps: libvmaf's raw `.gray` files, plus PNG images of the same values.
//!
//! For every scale s (0..5) libvmaf writes `cambi_heatmap_scale_<s>_<w>x<h>_16b.gray` into
//! `heatmaps_path`: one native-endian `u16` per c-value, `u16(c * 65535 / max_c)` with
//! `max_c = max_weight * window² / 4` (integer division), frame n at byte offset `n * w * h * 2`.
//! The name carries the encoding size halved s times, also when `cambi_high_res_speedup`
//! makes the written planes half that size (a libvmaf quirk we keep).
//!
//! Beside them rvmaf writes, per frame and scale, `cambi_heatmap_scale_<s>_<w>x<h>_frame_<n>.png`
//! (`<n>` with six digits): a 16-bit grayscale PNG of the same `u16` values at the size that was
//! really computed. Black = no banding; full white = the largest possible c-value.
//!
//! Like libvmaf, each extractor instance truncates the `.gray` files when it is created and
//! then writes each frame at its own offset, so frames may arrive in any order, but every
//! instance sharing a `heatmaps_path` must be created before the first frame is scored.
//! Offsets are computed in 64 bits (libvmaf's `int` product overflows past 2^31 bytes).

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Number of scales written.
const NUM_SCALES: usize = 5;

fn io_err(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Creates `dir` and its parents (libvmaf's `mkdirp(path, 0770)`).
fn mkdirp(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o770);
    }
    b.create(dir)
}

/// Open heatmap outputs of one extractor instance.
#[derive(Debug)]
pub(crate) struct Heatmaps {
    dir: PathBuf,
    files: Vec<(PathBuf, File)>,
    scaling: f64,
    values: Vec<u16>,
    bytes: Vec<u8>,
}

impl Heatmaps {
    /// Creates the directory and truncates the five `.gray` files, as libvmaf's init does.
    /// `window_size` is the (adjusted) window of the distorted pass, `max_weight` the largest
    /// contrast weight in use, `max_pixels` the largest plane that will be written.
    pub(crate) fn create(
        dir: &Path,
        enc_width: usize,
        enc_height: usize,
        window_size: u16,
        max_weight: i32,
        max_pixels: usize,
    ) -> Result<Self> {
        mkdirp(dir).map_err(|e| io_err(dir, e))?;
        let mut files = Vec::with_capacity(NUM_SCALES);
        let (mut w, mut h) = (enc_width, enc_height);
        for scale in 0..NUM_SCALES {
            let path = dir.join(format!("cambi_heatmap_scale_{scale}_{w}x{h}_16b.gray"));
            let f = File::create(&path).map_err(|e| io_err(&path, e))?;
            files.push((path, f));
            w = w.div_ceil(2);
            h = h.div_ceil(2);
        }
        let ws = window_size as i32;
        let max_c_value = max_weight * ws * ws / 4;
        Ok(Heatmaps {
            dir: dir.to_path_buf(),
            files,
            scaling: 65535.0 / max_c_value as f64,
            values: vec![0; max_pixels],
            bytes: Vec::with_capacity(max_pixels * 2),
        })
    }

    /// Writes the c-values of one scale of frame `frame` (`width * height` values, row-major).
    pub(crate) fn write(
        &mut self,
        scale: usize,
        frame: usize,
        c_values: &[f32],
        width: usize,
        height: usize,
    ) -> Result<()> {
        let n = width * height;
        let values = &mut self.values[..n];
        for (v, &c) in values.iter_mut().zip(&c_values[..n]) {
            // C converts double -> uint16_t through a 32-bit integer (keeps the low 16 bits).
            *v = (self.scaling * c as f64) as i32 as u16;
        }
        self.bytes.clear();
        self.bytes
            .extend(values.iter().flat_map(|v| v.to_ne_bytes()));
        let (path, file) = &mut self.files[scale];
        let offset = (frame as u64) * (n as u64) * 2;
        file.seek(SeekFrom::Start(offset))
            .and_then(|_| file.write_all(&self.bytes))
            .map_err(|e| io_err(path, e))?;
        self.write_png(scale, frame, width, height)
    }

    fn write_png(&mut self, scale: usize, frame: usize, width: usize, height: usize) -> Result<()> {
        let path = self.dir.join(format!(
            "cambi_heatmap_scale_{scale}_{width}x{height}_frame_{frame:06}.png"
        ));
        let file = File::create(&path).map_err(|e| io_err(&path, e))?;
        let n = width * height;
        self.bytes.clear();
        self.bytes
            .extend(self.values[..n].iter().flat_map(|v| v.to_be_bytes()));
        let mut enc = png::Encoder::new(BufWriter::new(file), width as u32, height as u32);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Sixteen);
        let png_err = |e: png::EncodingError| io_err(&path, std::io::Error::other(e));
        let mut writer = enc.write_header().map_err(png_err)?;
        writer.write_image_data(&self.bytes).map_err(png_err)?;
        writer.finish().map_err(png_err)?;
        Ok(())
    }
}
