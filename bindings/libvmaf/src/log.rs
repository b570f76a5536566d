//! libvmaf's process-wide log: `libvmaf <LEVEL> <message>` lines on stderr, filtered by the
//! level of the last `vmaf_init` (INFO before any).

use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};

static LEVEL: AtomicU32 = AtomicU32::new(3);

/// Sets the level, clamped to NONE..=DEBUG as libvmaf does.
pub fn set_level(level: u32) {
    LEVEL.store(level.min(4), Ordering::Relaxed);
}

/// The level in force.
pub fn level() -> u32 {
    LEVEL.load(Ordering::Relaxed)
}

fn emit(level: u32, name: &str, msg: &str) {
    if level == 0 || level > self::level() {
        return;
    }
    let mut e = std::io::stderr().lock();
    let _ = writeln!(e, "libvmaf {name} {msg}");
}

/// Logs an error.
pub fn error(msg: &str) {
    emit(1, "ERROR", msg);
}

/// Logs a warning.
pub fn warning(msg: &str) {
    emit(2, "WARNING", msg);
}

/// Logs information.
pub fn info(msg: &str) {
    emit(3, "INFO", msg);
}

/// Logs a debugging detail.
pub fn debug(msg: &str) {
    emit(4, "DEBUG", msg);
}
