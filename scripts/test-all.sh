#!/usr/bin/env bash
# Runs every check of the project: formatting, lints, the Rust test suite (unit, parity,
# per-extractor and the libvmaf conformance harness, which prints its table), and the
# binding test suites that are present. This is the README's test command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
echo "== cargo test (workspace)"
cargo test --workspace -- --skip conformance --exact
echo "== C API clients (bindings/c/tests/c) again, under AddressSanitizer"
# --workspace keeps the feature set of the step above, so nothing is rebuilt
RVMAF_C_SANITIZE=address cargo test --workspace --test c_api
if cargo cinstall --version >/dev/null 2>&1; then
    echo "== cargo cinstall of librvmaf, README example through pkg-config"
    ./bindings/c/scripts/check-cinstall.sh
else
    echo "== (cargo-c not installed: skipping the cargo cinstall check)"
fi
echo "== conformance against libvmaf's goldens"
cargo test -p rvmaf --test conformance -- --nocapture
