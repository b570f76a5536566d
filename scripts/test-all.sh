#!/usr/bin/env bash
# Runs every check of the project: formatting, lints, the Rust test suite (unit, parity,
# per-extractor and the libvmaf conformance harness, which prints its table), and the
# binding test suites that are present (the C clients of the drop-in libvmaf.so.3, plain and
# under AddressSanitizer). This is the README's test command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
echo "== cargo test (workspace)"
cargo test --workspace -- --skip conformance --exact
echo "== drop-in libvmaf.so.3: C clients (system cc, pkg-config, ASan/UBSan)"
./scripts/test-libvmaf-c.sh
echo "== conformance against libvmaf's goldens"
cargo test -p rvmaf --test conformance -- --nocapture
