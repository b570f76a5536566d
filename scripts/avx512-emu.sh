#!/usr/bin/env bash
# Runs binaries under an emulated AVX-512 CPU (Bochs, Skylake-X model) on a machine without
# AVX-512, to run the AVX-512 parity tests where no such CPU is at hand. Slow (about 50 M
# instructions a second, plus about 2 minutes to boot) and for checking correctness: the
# guest's clock counts instructions (200 M to the second), not the cycles of any real CPU.
#
#   scripts/avx512-emu.sh 'GUEST COMMANDS' FILE...
#
# FILE... (executables and data) are copied, with the shared libraries they need, to /bin
# of a tiny Linux guest, which runs GUEST COMMANDS there under busybox sh and powers off;
# the guest's console (stdout and stderr of the commands) is printed. Example, the VIF SIMD
# tests at every level including AVX-512:
#
#   cargo test --release -p rvmaf --test vif_simd --no-run   # prints the test binary's path
#   scripts/avx512-emu.sh './vif_simd-* --test-threads=1 --skip corpus' target/release/deps/vif_simd-<hash>
#
# Needs root and Debian's packages (installed on first use): bochs, a Debian 11 kernel (its
# xstate check only warns about Bochs's XSAVE size, where newer kernels turn XSAVE off and
# with it AVX), isolinux and busybox. The guest boots with `noxsaves`: Bochs's compacted
# XSAVES loses register state on context switches, which shows up as random mismatches.
# Bochs 2.7 itself raises #UD on some EVEX gathers (seen in ADM's AVX-512 decoupling, which
# passes on real AVX-512 hardware), so a SIGILL here is not always a bug of ours.
# Work files go to ${AVX512_EMU_DIR:-/tmp/avx512-emu}; nothing is written to the repository.
set -euo pipefail

if [[ $# -lt 2 ]]; then
    sed -n '2,15p' "$0" >&2
    exit 2
fi
cmds=$1
shift
dir=${AVX512_EMU_DIR:-/tmp/avx512-emu}
timeout_s=${AVX512_EMU_TIMEOUT:-3600}
mkdir -p "$dir"

# --- tools and kernel (once) ---
if ! command -v bochs >/dev/null || [[ ! -f /usr/lib/ISOLINUX/isolinux.bin ]] \
    || ! command -v xorriso >/dev/null || [[ ! -x /bin/busybox ]]; then
    apt-get install -y bochs bochs-term bochsbios vgabios isolinux syslinux-common xorriso \
        busybox-static cpio >/dev/null
fi
kernel=$dir/vmlinuz
if [[ ! -f $kernel ]]; then
    if ! apt-cache show linux-image-5.10.0-32-cloud-amd64 >/dev/null 2>&1; then
        cat >/etc/apt/sources.list.d/bullseye-avx512-emu.sources <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bullseye
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
        apt-get update >/dev/null
    fi
    (cd "$dir" && apt-get download linux-image-5.10.0-32-cloud-amd64 >/dev/null 2>&1)
    rm -rf "$dir/kx"
    dpkg-deb -x "$dir"/linux-image-5.10.0-32-cloud-amd64_*.deb "$dir/kx"
    cp "$dir"/kx/boot/vmlinuz-* "$kernel"
fi

# --- initramfs: busybox, the files and their libraries, an init running the commands ---
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,proc,sys,dev,tmp}
cp /bin/busybox "$root/bin/"
for a in sh mount poweroff cat echo ls sync grep time; do ln -s busybox "$root/bin/$a"; done
for f in "$@"; do
    cp "$f" "$root/bin/"
    for l in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true); do
        mkdir -p "$root$(dirname "$l")"
        cp -L "$l" "$root$l"
    done
done
{
    echo '#!/bin/sh'
    echo 'mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev'
    echo 'cd /bin'
    echo 'echo AVX512-EMU-START'
    printf '%s\n' "$cmds"
    echo 'echo AVX512-EMU-DONE'
    echo 'sync; poweroff -f'
} >"$root/init"
chmod +x "$root/init"
iso=$dir/iso
rm -rf "$iso"
mkdir -p "$iso/isolinux"
(cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$iso/initrd.gz"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$iso/isolinux/"
cp "$kernel" "$iso/vmlinuz"
cat >"$iso/isolinux/isolinux.cfg" <<'EOF'
DEFAULT linux
PROMPT 0
TIMEOUT 0
LABEL linux
  KERNEL /vmlinuz
  APPEND initrd=/initrd.gz console=ttyS0,115200 noxsaves noxsaveopt quiet loglevel=3 mitigations=off nokaslr noapic acpi=off
EOF
xorriso -as mkisofs -quiet -o "$dir/boot.iso" -b isolinux/isolinux.bin -c isolinux/boot.cat \
    -no-emul-boot -boot-load-size 4 -boot-info-table "$iso"

# --- boot ---
cat >"$dir/bochsrc" <<EOF
megs: 2048
cpu: model=corei7_skylake_x, count=1, ips=200000000
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
display_library: term
ata0-master: type=cdrom, path=$dir/boot.iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$dir/serial.out
log: $dir/bochs.log
panic: action=fatal
error: action=ignore
info: action=ignore
debug: action=ignore
clock: sync=none, time0=local
EOF
echo c >"$dir/debugger.rc"
: >"$dir/serial.out"
# Debian's Bochs has the debugger built in (the rc file continues past its prompt) and draws
# its screen on a terminal: `script` gives it one, and a never-ending stdin keeps it drained.
(sleep "$timeout_s" | TERM=xterm script -q -c \
    "bochs -q -f $dir/bochsrc -rc $dir/debugger.rc" /dev/null >"$dir/bochs.stdout" 2>&1 &)
t=0
sleep 3
while ((t < timeout_s)); do
    grep -q AVX512-EMU-DONE "$dir/serial.out" && break
    pgrep -f "bochs-bin -q -q -f $dir/bochsrc" >/dev/null || { echo "bochs exited" >&2; break; }
    sleep 5
    t=$((t + 5))
done
pkill -9 -f "bochs-bin -q -q -f $dir/bochsrc" || true
sed -n '/AVX512-EMU-START/,/AVX512-EMU-DONE/p' "$dir/serial.out"
grep -q AVX512-EMU-DONE "$dir/serial.out"
