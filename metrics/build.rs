//! Build script: embeds the built-in models listed in `models/registry.json`.
//!
//! Model files are read from `$RVMAF_MODEL_DIR` (default: `../shared/models` beside the
//! workspace) and checked against the sha256 recorded in the registry, so a build can never
//! silently embed a different model.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

fn main() {
    avx512_cfg();
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("manifest dir"));
    let registry_path = manifest.join("../models/registry.json");
    println!("cargo:rerun-if-changed={}", registry_path.display());
    println!("cargo:rerun-if-env-changed=RVMAF_MODEL_DIR");

    let model_dir = match std::env::var_os("RVMAF_MODEL_DIR") {
        Some(d) => PathBuf::from(d),
        None => manifest.join("../../shared/models"),
    };
    let text = std::fs::read_to_string(&registry_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", registry_path.display()));
    let registry: serde_json::Value =
        serde_json::from_str(&text).expect("registry.json is valid JSON");
    let default = registry["default"]
        .as_str()
        .expect("registry: default")
        .to_string();
    let mut out = String::new();
    out.push_str("/// Built-in models: (name, JSON text), embedded at build time.\n");
    out.push_str("pub(crate) static BUILTIN_MODELS: &[(&str, &str)] = &[\n");
    for m in registry["models"].as_array().expect("registry: models") {
        let name = m["name"].as_str().expect("model name");
        let file = m["file"].as_str().expect("model file");
        let want = m["sha256"].as_str().expect("model sha256");
        let path = model_dir.join(file);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "built-in model {name}: cannot read {} ({e}); set RVMAF_MODEL_DIR to libvmaf's model directory",
                path.display()
            )
        });
        let got = hex(&Sha256::digest(&bytes));
        assert_eq!(
            got,
            want,
            "built-in model {name}: {} has sha256 {got}, registry says {want}",
            path.display()
        );
        println!("cargo:rerun-if-changed={}", path.display());
        let abs = canonical(&path);
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            abs.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    writeln!(
        out,
        "/// Name of the default model.\npub(crate) const DEFAULT_MODEL: &str = {default:?};"
    )
    .unwrap();
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("out dir")).join("builtin_models.rs");
    std::fs::write(dest, out).expect("write builtin_models.rs");
}

/// Sets `cfg(rvmaf_avx512)` when the compiler has the AVX-512 intrinsics and target features
/// (stable since Rust 1.89), so AVX-512 kernels build there and older compilers still build the
/// rest.
fn avx512_cfg() {
    println!("cargo:rustc-check-cfg=cfg(rvmaf_avx512)");
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let minor = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|v| {
            // "rustc 1.95.0 (...)"
            let ver = v.split_whitespace().nth(1)?.to_string();
            let mut it = ver.split('.');
            let major: u32 = it.next()?.parse().ok()?;
            let minor: u32 = it.next()?.parse().ok()?;
            (major == 1).then_some(minor)
        });
    if minor.is_some_and(|m| m >= 89) {
        println!("cargo:rustc-cfg=rvmaf_avx512");
    }
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
