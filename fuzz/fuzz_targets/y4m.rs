//! Fuzzes the Y4M reader: any byte stream must give frames or a typed error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rvmaf::io::{VideoReader, Y4mReader};
use rvmaf::Picture;

fuzz_target!(|data: &[u8]| {
    let Ok(mut r) = Y4mReader::new(Box::new(std::io::Cursor::new(data.to_vec())), "fuzz.y4m".as_ref()) else {
        return;
    };
    let g = r.geometry();
    if g.width * g.height > 1 << 20 {
        return;
    }
    let Ok(mut pic) = Picture::new(g) else { return };
    while let Ok(true) = r.read_frame(&mut pic) {}
});
