//! include/rvmaf.h must be exactly what cbindgen makes from the sources with cbindgen.toml.
//! Regenerate it with `RVMAF_BLESS_HEADER=1 cargo test -p rvmaf-capi --test header`.

use std::path::Path;

#[test]
fn header_is_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_crate(dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut made = Vec::new();
    bindings.write(&mut made);
    let made = String::from_utf8(made).expect("utf-8 header");
    let path = dir.join("include/rvmaf.h");
    if std::env::var_os("RVMAF_BLESS_HEADER").is_some() {
        std::fs::write(&path, &made).expect("write include/rvmaf.h");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == made,
        "include/rvmaf.h is stale: regenerate it with \
         `RVMAF_BLESS_HEADER=1 cargo test -p rvmaf-capi --test header` and commit it"
    );
}
