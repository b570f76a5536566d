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
echo "== conformance again with the scalar kernels forced (RVMAF_CPU=scalar): bit-exact at every level"
RVMAF_CPU=scalar cargo test -p rvmaf --test conformance -- --nocapture
echo "== Python package: pip install ./bindings/python in a venv, then pytest"
# A fresh venv under target/ (ignored), the build tools from PyPI, then the package built by
# maturin through pip exactly as a user installs it (models embedded from ../shared/models).
PY="${PYTHON:-python3}"
VENV=target/python-venv
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q maturin pytest numpy "mypy==2.4.1"
"$VENV/bin/python" -m pip install -q --force-reinstall --no-deps ./bindings/python
"$VENV/bin/python" -m pytest -q bindings/python/tests
# The .pyi stubs must match the module (every name, signature and default).
(cd target && "../$VENV/bin/python" -m mypy.stubtest rvmaf)
