#!/usr/bin/env bash
# Builds the drop-in libvmaf.so.3, installs it in a scratch prefix, and runs the C clients of
# bindings/libvmaf/tests/c against it with the system compiler (through pkg-config, as FFmpeg
# and GStreamer find libvmaf), then again under AddressSanitizer + UBSan:
#   error_paths          NULL arguments, ownership, flush/read rules, layouts, pool, odd sizes
#   ffmpeg_sequence      FFmpeg vf_libvmaf's calls; scores checked against libvmaf's goldens
#   gstreamer_sequence   GStreamer vmaf's calls (bootstrap collection, 4:0:0 luma-only input)
# Needs ../shared/reference (the conformance corpus) for the golden comparisons.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
ref="$root/../shared/reference"
work="$(mktemp -d "${TMPDIR:-/tmp}/rvmaf-libvmaf-c.XXXXXX")"
trap 'rm -rf "$work"' EXIT

profile="${RVMAF_LIBVMAF_PROFILE:-test}"
bindings/libvmaf/install.sh "$work/prefix" "$profile" >/dev/null
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
if command -v pkg-config >/dev/null; then
    [ "$(pkg-config --modversion libvmaf)" = "3.2.0" ] || { echo "libvmaf.pc: wrong version"; exit 1; }
    cflags="$(pkg-config --cflags libvmaf)"
    libs="$(pkg-config --libs libvmaf)"
else
    cflags="-I$work/prefix/include -I$work/prefix/include/libvmaf"
    libs="-L$work/prefix/lib -lvmaf"
fi
export LD_LIBRARY_PATH="$work/prefix/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
src=bindings/libvmaf/tests/c
check="python3 $src/check_goldens.py"
passed=0
failed=0

run() { # name command...
    local name="$1"
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        echo "FAILED: $name"
        failed=$((failed + 1))
    fi
}

suite() { # label extra-cflags
    local label="$1" extra="$2" bin="$work/$1"
    mkdir -p "$bin"
    for t in error_paths ffmpeg_sequence gstreamer_sequence; do
        # shellcheck disable=SC2086
        cc -std=c11 -Wall -Wextra -Werror -O1 -g $extra $cflags "$src/$t.c" -o "$bin/$t" $libs -lm
    done
    echo "== C clients ($label)"
    run "$label error_paths" "$bin/error_paths"

    local d=dune_pan/dis_x264_crf35 o="$bin/out"
    # FFmpeg's sequence on the 3-frame sample (frames 0-2 of the corpus clip) ...
    run "$label ffmpeg testdata" "$bin/ffmpeg_sequence" testdata/ref.y4m testdata/dis.y4m "$o.t.json" 0 >"$o.t.tsv"
    run "$label ffmpeg testdata goldens" $check "$o.t.tsv" "$o.t.json" "$ref/$d.vmaf_v0.6.1.full.json" \
        "$ref/$d.vmaf_v0.6.1neg.full.json" --prefix 3
    # ... and on the whole clip (every frame, pooled values and aggregates), threaded
    run "$label ffmpeg clip" "$bin/ffmpeg_sequence" "$ref/dune_pan/ref.y4m" "$ref/$d.y4m" "$o.c.json" 2 >"$o.c.tsv"
    run "$label ffmpeg clip goldens" $check "$o.c.tsv" "$o.c.json" "$ref/$d.vmaf_v0.6.1.full.json" \
        "$ref/$d.vmaf_v0.6.1neg.full.json"
    # odd size (481x271): libvmaf's pictures hold w>>1 chroma columns; luma values must match
    local m=mandelbrot_481x271/dis_vp9_crf50
    run "$label ffmpeg odd size" "$bin/ffmpeg_sequence" "$ref/mandelbrot_481x271/ref.y4m" "$ref/$m.y4m" "$o.m.json" 0 >"$o.m.tsv"
    run "$label ffmpeg odd size goldens" $check "$o.m.tsv" "$o.m.json" "$ref/$m.vmaf_v0.6.1.full.json" \
        "$ref/$m.vmaf_v0.6.1neg.full.json" --luma-only

    # GStreamer's sequence: vmaf_b_v0.6.3 collection, the 4:2:0 clip fed as 4:0:0 luma
    run "$label gstreamer bootstrap" "$bin/gstreamer_sequence" "$ref/dune_pan/ref.y4m" "$ref/$d.y4m" "$o.g.json" 2 1 vmaf_b_v0.6.3 >"$o.g.tsv"
    run "$label gstreamer bootstrap goldens" $check "$o.g.tsv" "$o.g.json" "$ref/$d.vmaf_b_v0.6.3.full.json"
    run "$label gstreamer bootstrap psnr/ssim" $check "$o.g.tsv" "$o.g.json" "$ref/$d.vmaf_v0.6.1.full.json" \
        --only psnr_y,float_ssim,float_ms_ssim
    # ... and on the grey pair (golden made as 4:2:0 with grey chroma), frame messages on
    local g=camera_gray/dis_x264_gray_crf35
    run "$label gstreamer 400" "$bin/gstreamer_sequence" "$ref/camera_gray/ref.y4m" "$ref/$g.y4m" "$o.y.json" 0 0 vmaf >"$o.y.tsv"
    run "$label gstreamer 400 goldens" $check "$o.y.tsv" "$o.y.json" "$ref/$g.vmaf_v0.6.1.full.json" \
        --only integer_,VMAF_integer,vmaf,psnr_y,float_ssim,float_ms_ssim
}

if command -v c++ >/dev/null; then
    echo "== C++ client"
    # shellcheck disable=SC2086
    c++ -std=c++11 -Wall -Wextra -Werror $cflags "$src/cxx_header.cpp" -o "$work/cxx_header" $libs
    run "C++ header" "$work/cxx_header"
fi
suite plain ""
suite asan "-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
echo "libvmaf-c: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
