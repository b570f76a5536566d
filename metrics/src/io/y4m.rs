//! YUV4MPEG2 (Y4M) reader.
//!
//! Accepts every colorspace tag libvmaf's reader knows (`C420jpeg`, `C420mpeg2`, `C420paldv`,
//! `C420`, `C422`, `C444`, `Cmono`, `C444alpha`, the `p9`..`p16` deep variants) plus deep mono
//! (`Cmono10`, `Cmono12`, `Cmono16`). Unlike libvmaf's CLI it keeps `ceil(w/2)` chroma
//! columns for odd sizes, reads 8-bit 4:2:2 and mono directly (no chroma re-siting), and
//! reads 16-bit files.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{read_full, read_planes, VideoReader, CHUNK};
use crate::error::{Error, Result};
use crate::frame::{Geometry, Picture, PixelFormat};

const MAX_HEADER: usize = 4096;

/// Parsed Y4M stream header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Y4mHeader {
    /// Frame geometry.
    pub geometry: Geometry,
    /// `F` tag.
    pub frame_rate: Option<(u32, u32)>,
    /// `A` tag.
    pub aspect: Option<(u32, u32)>,
    /// `I` tag character, when present.
    pub interlace: Option<char>,
    /// The `C` tag as written (`420jpeg`), or `None` when absent (meaning 4:2:0).
    pub colorspace: Option<String>,
    /// The stream carries an alpha plane after V (`C444alpha`), which is skipped.
    pub alpha: bool,
}

/// Parses a Y4M colorspace tag (without the leading `C`) into format, depth and alpha flag.
pub fn parse_colorspace(tag: &str) -> Option<(PixelFormat, u32, bool)> {
    let (fmt, rest) = if let Some(r) = tag.strip_prefix("420") {
        (PixelFormat::Yuv420, r)
    } else if let Some(r) = tag.strip_prefix("422") {
        (PixelFormat::Yuv422, r)
    } else if let Some(r) = tag.strip_prefix("444") {
        (PixelFormat::Yuv444, r)
    } else if let Some(r) = tag.strip_prefix("mono") {
        (PixelFormat::Yuv400, r)
    } else {
        return None;
    };
    let depth = |d: &str| -> Option<u32> {
        let v: u32 = d.parse().ok()?;
        (9..=16).contains(&v).then_some(v)
    };
    match (fmt, rest) {
        (_, "") => Some((fmt, 8, false)),
        (PixelFormat::Yuv420, "jpeg" | "mpeg2" | "paldv") => Some((fmt, 8, false)),
        (PixelFormat::Yuv444, "alpha") => Some((fmt, 8, true)),
        (PixelFormat::Yuv400, d) => depth(d).map(|b| (fmt, b, false)),
        (_, r) => r.strip_prefix('p').and_then(depth).map(|b| (fmt, b, false)),
    }
}

fn ratio(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.split_once(':')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

impl Y4mHeader {
    /// Parses the header line (without the trailing newline).
    pub fn parse(line: &str) -> std::result::Result<Y4mHeader, String> {
        let mut tokens = line.split(' ').filter(|t| !t.is_empty());
        match tokens.next() {
            Some("YUV4MPEG2") => {}
            _ => return Err("missing YUV4MPEG2 signature".into()),
        }
        let (mut w, mut h) = (None, None);
        let mut frame_rate = None;
        let mut aspect = None;
        let mut interlace = None;
        let mut colorspace: Option<String> = None;
        let mut xyscss: Option<String> = None;
        for t in tokens {
            let (tag, val) = t.split_at(1);
            match tag {
                "W" => {
                    w = Some(
                        val.parse::<usize>()
                            .map_err(|_| format!("bad width \"{val}\""))?,
                    )
                }
                "H" => {
                    h = Some(
                        val.parse::<usize>()
                            .map_err(|_| format!("bad height \"{val}\""))?,
                    )
                }
                "F" => {
                    frame_rate =
                        Some(ratio(val).ok_or_else(|| format!("bad frame rate \"{val}\""))?)
                }
                "A" => aspect = ratio(val),
                "I" => interlace = val.chars().next(),
                "C" => colorspace = Some(val.to_string()),
                "X" => {
                    if let Some(v) = val.strip_prefix("YSCSS=") {
                        xyscss = Some(v.to_string());
                    }
                }
                _ => {}
            }
        }
        let width = w.ok_or("missing width (W tag)")?;
        let height = h.ok_or("missing height (H tag)")?;
        if width == 0 || height == 0 {
            return Err(format!("zero frame size {width}x{height}"));
        }
        if width > 1 << 16 || height > 1 << 16 {
            return Err(format!("frame size {width}x{height} is too large"));
        }
        let (format, bit_depth, alpha) = match (&colorspace, &xyscss) {
            (Some(c), _) => {
                parse_colorspace(c).ok_or_else(|| format!("unknown colorspace \"C{c}\""))?
            }
            (None, Some(x)) => {
                let lower = x.to_ascii_lowercase();
                parse_colorspace(&lower)
                    .or_else(|| parse_colorspace(lower.trim_end_matches('p')))
                    .unwrap_or((PixelFormat::Yuv420, 8, false))
            }
            (None, None) => (PixelFormat::Yuv420, 8, false),
        };
        Ok(Y4mHeader {
            geometry: Geometry {
                format,
                bit_depth,
                width,
                height,
            },
            frame_rate,
            aspect,
            interlace,
            colorspace,
            alpha,
        })
    }
}

/// Streaming Y4M reader.
pub struct Y4mReader {
    input: Box<dyn Read + Send>,
    path: PathBuf,
    header: Y4mHeader,
    /// Conversion scratch (frames are read straight into the caller's picture).
    chunk: Vec<u8>,
    alpha_bytes: usize,
    frame: u64,
}

/// Reads one line (without its newline); `None` at a clean end of stream, else the bytes and
/// whether the line was terminated by a newline.
fn read_line(r: &mut dyn Read, limit: usize, path: &Path) -> Result<Option<(Vec<u8>, bool)>> {
    let mut line = Vec::new();
    let mut b = [0u8; 1];
    loop {
        let n = read_full(r, &mut b, path)?;
        if n == 0 {
            return Ok(if line.is_empty() {
                None
            } else {
                Some((line, false))
            });
        }
        if b[0] == b'\n' {
            return Ok(Some((line, true)));
        }
        line.push(b[0]);
        if line.len() > limit {
            return Ok(Some((line, false)));
        }
    }
}

impl Y4mReader {
    /// Reads and validates the stream header.
    pub fn new(mut input: Box<dyn Read + Send>, path: &Path) -> Result<Self> {
        let err = |m: String| Error::Y4m {
            path: path.to_path_buf(),
            message: m,
        };
        let (line, terminated) = read_line(&mut input, MAX_HEADER, path)?
            .ok_or_else(|| err("empty file (no YUV4MPEG2 header)".into()))?;
        if !line.starts_with(b"YUV4MPEG2") {
            return Err(err(
                "bad magic: the file does not start with YUV4MPEG2".into()
            ));
        }
        if line.len() > MAX_HEADER {
            return Err(err("header line is too long".into()));
        }
        if !terminated {
            return Err(err(
                "truncated header (no end of line before the end of the file)".into(),
            ));
        }
        let text = std::str::from_utf8(&line).map_err(|_| err("header is not ASCII".into()))?;
        let header = Y4mHeader::parse(text.trim_end_matches('\r')).map_err(err)?;
        let g = header.geometry;
        let alpha_bytes = if header.alpha { g.width * g.height } else { 0 };
        Ok(Y4mReader {
            input,
            path: path.to_path_buf(),
            chunk: vec![0; CHUNK],
            alpha_bytes,
            header,
            frame: 0,
        })
    }

    /// The parsed header.
    pub fn header(&self) -> &Y4mHeader {
        &self.header
    }

    /// Reads the next frame into `pic` (or drops it); `false` at the end of the stream.
    fn fill(&mut self, pic: Option<&mut Picture>) -> Result<bool> {
        let (line, terminated) = match read_line(&mut self.input, 4096, &self.path)? {
            None => return Ok(false),
            Some(l) => l,
        };
        if !line.starts_with(b"FRAME") {
            return Err(Error::Y4m {
                path: self.path.clone(),
                message: format!(
                    "frame {}: expected a FRAME marker (loss of framing: wrong size or format in the header?)",
                    self.frame
                ),
            });
        }
        if !terminated {
            return Err(Error::Y4m {
                path: self.path.clone(),
                message: format!("frame {}: truncated or overlong FRAME line", self.frame),
            });
        }
        let g = self.header.geometry;
        let expected = g.frame_bytes() + self.alpha_bytes;
        let n = read_planes(
            &mut self.input,
            g,
            pic,
            self.alpha_bytes,
            &mut self.chunk,
            &self.path,
        )?;
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

impl VideoReader for Y4mReader {
    fn geometry(&self) -> Geometry {
        self.header.geometry
    }
    fn read_frame(&mut self, pic: &mut Picture) -> Result<bool> {
        assert_eq!(pic.geometry(), self.header.geometry, "picture geometry");
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
    fn frame_rate(&self) -> Option<(u32, u32)> {
        self.header.frame_rate
    }
    fn name(&self) -> &Path {
        &self.path
    }
    fn position(&self) -> u64 {
        self.frame
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(bytes: Vec<u8>) -> Result<Y4mReader> {
        Y4mReader::new(Box::new(std::io::Cursor::new(bytes)), Path::new("mem.y4m"))
    }

    #[test]
    fn colorspaces() {
        use PixelFormat::*;
        assert_eq!(parse_colorspace("420jpeg"), Some((Yuv420, 8, false)));
        assert_eq!(parse_colorspace("420mpeg2"), Some((Yuv420, 8, false)));
        assert_eq!(parse_colorspace("420paldv"), Some((Yuv420, 8, false)));
        assert_eq!(parse_colorspace("422p10"), Some((Yuv422, 10, false)));
        assert_eq!(parse_colorspace("444p16"), Some((Yuv444, 16, false)));
        assert_eq!(parse_colorspace("mono"), Some((Yuv400, 8, false)));
        assert_eq!(parse_colorspace("mono12"), Some((Yuv400, 12, false)));
        assert_eq!(parse_colorspace("444alpha"), Some((Yuv444, 8, true)));
        assert_eq!(parse_colorspace("411"), None);
        assert_eq!(parse_colorspace("420p17"), None);
        assert_eq!(parse_colorspace("422jpeg"), None);
    }

    #[test]
    fn header_tags() {
        let h = Y4mHeader::parse(
            "YUV4MPEG2 W3 H5 F30000:1001 Ip A1:1 C420p10 XYSCSS=420P10 XCOLORRANGE=LIMITED",
        )
        .unwrap();
        assert_eq!(h.geometry.width, 3);
        assert_eq!(h.geometry.height, 5);
        assert_eq!(h.geometry.bit_depth, 10);
        assert_eq!(h.frame_rate, Some((30000, 1001)));
        let h = Y4mHeader::parse("YUV4MPEG2 W4 H4 F25:1").unwrap();
        assert_eq!(h.geometry.format, PixelFormat::Yuv420);
        assert!(Y4mHeader::parse("YUV4MPEG2 W0 H4 F25:1").is_err());
        assert!(Y4mHeader::parse("YUV4MPEG2 H4 F25:1").is_err());
        assert!(Y4mHeader::parse("YUV4MPEG2 W4 H4 F25:1 C411").is_err());
    }

    #[test]
    fn reads_odd_420_and_detects_truncation() {
        // 3x3 4:2:0: 9 luma + 2x(2x2) chroma = 17 bytes per frame
        let mut bytes = b"YUV4MPEG2 W3 H3 F25:1 C420jpeg\n".to_vec();
        for f in 0..2u8 {
            bytes.extend_from_slice(b"FRAME\n");
            bytes.extend((0..17).map(|i| i + f * 20));
        }
        let mut r = reader(bytes.clone()).unwrap();
        let mut pic = Picture::new(r.geometry()).unwrap();
        assert!(r.read_frame(&mut pic).unwrap());
        assert!(r.read_frame(&mut pic).unwrap());
        let v = pic.view();
        assert_eq!(v.plane(2).at(1, 1), 20 + 16);
        assert!(!r.read_frame(&mut pic).unwrap());

        bytes.truncate(bytes.len() - 3);
        let mut r = reader(bytes).unwrap();
        assert!(r.read_frame(&mut pic).unwrap());
        match r.read_frame(&mut pic) {
            Err(Error::TruncatedFrame {
                frame: 1,
                got: 14,
                expected: 17,
                ..
            }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn frame_params_and_deep_samples() {
        let mut bytes = b"YUV4MPEG2 W1 H1 F25:1 Cmono16\n".to_vec();
        bytes.extend_from_slice(b"FRAME Ixyz\n");
        bytes.extend_from_slice(&[0xff, 0xfe]);
        let mut r = reader(bytes).unwrap();
        let mut pic = Picture::new(r.geometry()).unwrap();
        assert!(r.read_frame(&mut pic).unwrap());
        assert_eq!(pic.view().luma().at(0, 0), 0xfeff);
    }

    #[test]
    fn deep_frames_larger_than_the_conversion_chunk() {
        // 301x219 10-bit 4:2:0: the luma plane alone spans several CHUNK conversions and its
        // length is no multiple of one; every sample must land in place, frame after frame.
        let (w, h) = (301usize, 219usize);
        let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
        let sample = |f: usize, p: usize, i: usize| ((i * 7 + p * 331 + f * 13) % 1024) as u16;
        let mut bytes = format!("YUV4MPEG2 W{w} H{h} F25:1 C420p10\n").into_bytes();
        for f in 0..2 {
            bytes.extend_from_slice(b"FRAME\n");
            for (p, n) in [(0, w * h), (1, cw * ch), (2, cw * ch)] {
                for i in 0..n {
                    bytes.extend_from_slice(&sample(f, p, i).to_le_bytes());
                }
            }
        }
        let full = bytes.len();
        let mut r = reader(bytes.clone()).unwrap();
        let mut pic = Picture::new(r.geometry()).unwrap();
        for f in 0..2 {
            assert!(r.read_frame(&mut pic).unwrap());
            let v = pic.view();
            for (p, pw) in [(0, w), (1, cw), (2, cw)] {
                let plane = v.plane(p);
                for i in (0..plane.width() * plane.height()).step_by(97) {
                    assert_eq!(
                        plane.at(i % pw, i / pw),
                        u32::from(sample(f, p, i)),
                        "{f} {p} {i}"
                    );
                }
            }
        }
        assert!(!r.read_frame(&mut pic).unwrap());
        // Cut inside the second frame's luma, past the first conversion chunk.
        bytes.truncate(full - 2 * (cw * ch * 2) - 1000);
        let mut r = reader(bytes).unwrap();
        assert!(r.read_frame(&mut pic).unwrap());
        match r.read_frame(&mut pic) {
            Err(Error::TruncatedFrame {
                frame: 1,
                got,
                expected,
                ..
            }) => assert_eq!(
                (got, expected),
                (w * h * 2 - 1000, (w * h + 2 * cw * ch) * 2)
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_inputs() {
        assert!(reader(vec![]).is_err());
        assert!(reader(b"RIFF....".to_vec()).is_err());
        assert!(reader(b"YUV4MPEG2 W2".to_vec()).is_err());
        let mut r = reader(b"YUV4MPEG2 W2 H2 F1:1 C444\nFRAMX\n".to_vec()).unwrap();
        let mut pic = Picture::new(r.geometry()).unwrap();
        assert!(r.read_frame(&mut pic).is_err());
    }
}
