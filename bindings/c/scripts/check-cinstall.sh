#!/usr/bin/env bash
# Installs librvmaf with cargo-c into a temporary prefix, then builds and runs the README
# example (tests/c/example.c) against the installed rvmaf.h / librvmaf.so through pkg-config,
# and links it statically against librvmaf.a too. Needs cargo-c (`cargo install cargo-c`);
# scripts/test-all.sh runs it when `cargo cinstall` is available and skips it otherwise.
set -euo pipefail
cd "$(dirname "$0")/../../.."
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cargo cinstall -p rvmaf-capi --release --prefix "$prefix" --libdir "$prefix/lib" >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
echo "installed: rvmaf $(pkg-config --modversion rvmaf): $(cd "$prefix" && find . -type f -o -type l | sort | tr '\n' ' ')"
cc=${CC:-cc}
# shellcheck disable=SC2046
"$cc" -std=c99 -Wall -Wextra -Werror bindings/c/tests/c/example.c -o "$prefix/example" \
    $(pkg-config --cflags --libs rvmaf) -Wl,-rpath,"$prefix/lib"
# shellcheck disable=SC2046
"$cc" -std=c99 -Wall -Wextra -Werror bindings/c/tests/c/example.c -o "$prefix/example-static" \
    $(pkg-config --cflags rvmaf) "$prefix/lib/librvmaf.a" $(pkg-config --libs --static rvmaf | sed 's/-lrvmaf//')
for f in ref dis; do
    # raw 4:2:0 frames of the 576x324 sample: drop the Y4M header and FRAME lines
    python3 - "testdata/$f.y4m" "$prefix/$f.yuv" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
body = data[data.index(b'\n') + 1:]
frame = 576 * 324 * 3 // 2
out = b''.join(body[i + 6:i + 6 + frame] for i in range(0, len(body), frame + 6))
open(sys.argv[2], 'wb').write(out)
PY
done
a=$(cd "$prefix" && ./example ref.yuv dis.yuv 576 324)
b=$(cd "$prefix" && ./example-static ref.yuv dis.yuv 576 324)
echo "shared: $a"
echo "static: $b"
[ "$a" = "$b" ] || { echo "shared and static builds differ"; exit 1; }
