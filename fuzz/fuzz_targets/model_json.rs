//! Fuzzes the model loader: any text must give a model or a typed error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rvmaf::{LoadedModel, ModelFlags};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = LoadedModel::from_json(text, "fuzz", None, ModelFlags::default());
    }
});
