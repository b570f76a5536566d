#!/usr/bin/env bash
# Builds rvmaf's drop-in libvmaf and installs it like libvmaf 3.2.0 under PREFIX:
#   lib/libvmaf.so.3.2.0, lib/libvmaf.so.3 -> libvmaf.so.3.2.0 (the SONAME),
#   lib/libvmaf.so -> libvmaf.so.3, include/libvmaf/{libvmaf,model,picture,feature,version}.h,
#   lib/pkgconfig/libvmaf.pc (Version: 3.2.0, Cflags -I$includedir -I$includedir/libvmaf).
#
# usage: bindings/libvmaf/install.sh PREFIX [CARGO_PROFILE]   (profile: release by default)
set -euo pipefail
if [ $# -lt 1 ]; then
    echo "usage: $0 PREFIX [CARGO_PROFILE]" >&2
    exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
mkdir -p "$1"
prefix="$(cd "$1" && pwd)"
profile="${2:-release}"
case "$profile" in
    dev | test) dir=debug ;;
    bench) dir=release ;;
    *) dir="$profile" ;;
esac

(cd "$root" && cargo build -p rvmaf-libvmaf --profile "$profile")
target="${CARGO_TARGET_DIR:-$root/target}"
lib="$target/$dir/libvmaf.so"
[ -f "$lib" ] || { echo "missing $lib" >&2; exit 1; }

install -d "$prefix/lib/pkgconfig" "$prefix/include/libvmaf"
install -m 755 "$lib" "$prefix/lib/libvmaf.so.3.2.0"
ln -sf libvmaf.so.3.2.0 "$prefix/lib/libvmaf.so.3"
ln -sf libvmaf.so.3 "$prefix/lib/libvmaf.so"
install -m 644 "$here"/include/libvmaf/*.h "$prefix/include/libvmaf/"
cat > "$prefix/lib/pkgconfig/libvmaf.pc" <<PC
prefix=$prefix
includedir=\${prefix}/include
libdir=\${prefix}/lib

Name: libvmaf
Description: VMAF, Video Multimethod Assessment Fusion (rvmaf drop-in)
Version: 3.2.0
Libs: -L\${libdir} -lvmaf
Libs.private: -lpthread -ldl -lm
Cflags: -I\${includedir} -I\${includedir}/libvmaf
PC
echo "installed libvmaf 3.2.0 (rvmaf) under $prefix"
