//! Gives the shared library libvmaf's SONAME, so programs linked against libvmaf.so.3 load it.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" || os == "android" || os.ends_with("bsd") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libvmaf.so.3");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
