#!/usr/bin/env bash
# Runs a command as root inside a qemu guest booted from an unpacked Debian kernel package.
# The guest sees the host's / read-only over 9p, RW_DIR read-write at the same path, VM_RO_DIR
# (if set: e.g. the checkout, which may sit under /tmp) read-only at its path, fresh
# proc/sys/dev/tmpfs, its own cgroup2 at /sys/fs/cgroup and bpffs at /sys/fs/bpf, loopback and no
# other network device. TCG (software emulation): this machine's KVM cannot run stock kernels.
#   vm-run.sh KERNEL_DIR RW_DIR TIMEOUT_SECONDS -- COMMAND...
# Exits with the command's status (125 if the guest never reported one). The console is kept in
# RW_DIR/console.log.
set -euo pipefail
kernel_dir=$1 rw=$2 timeout=$3
shift 3
[ "$1" = "--" ] && shift
work="$kernel_dir/.vm"
mkdir -p "$work" "$rw"

# the kernel image and its modules, in either of Debian's layouts
image=$(find "$kernel_dir/boot" "$kernel_dir/usr/lib/modules" -maxdepth 2 -name 'vmlinuz*' 2>/dev/null | head -1 || true)
modules=$(find "$kernel_dir/lib/modules" "$kernel_dir/usr/lib/modules" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | head -1 || true)
version=$(basename "$modules")

# an ELF vmlinux boots through PVH: TCG need not decompress the bzImage at every boot (4-5 s).
# Kernels whose image is not xz-compressed (6.12+ use zstd) boot from the bzImage itself.
boot="$work/vmlinux"
if [ ! -f "$boot" ] && ! python3 - "$image" "$boot" <<'PY' 2>/dev/null
import lzma, sys
data = open(sys.argv[1], "rb").read()
at = data.find(b"\xfd7zXZ\x00")
out = lzma.LZMADecompressor().decompress(data[at:]) if at >= 0 else b""
if out[:4] != b"\x7fELF":
    sys.exit(1)
open(sys.argv[2], "wb").write(out)
PY
then
  boot="$image"
fi

# a small initramfs: busybox, the modules for virtio/9p/veth, and /init
if [ ! -f "$work/initramfs.cpio" ] || [ "$0" -nt "$work/initramfs.cpio" ]; then
  root="$work/initramfs"
  rm -rf "$root" && mkdir -p "$root"/{bin,dev,proc,sys,newroot,modules}
  cp /bin/busybox "$root/bin/busybox"
  depmod -b "${modules%/lib/modules/*}" "$version" 2>/dev/null || depmod -b "${modules%/usr/lib/modules/*}/usr" "$version" 2>/dev/null || true
  : > "$root/modules/order"
  add_module() { # a module after its dependencies, decompressed (busybox insmod wants plain .ko)
    local name=$1 line path dep
    line=$(grep -E "(^|/)${name}\.ko(\.xz|\.zst)?:" "$modules/modules.dep" || true)
    [ -z "$line" ] && return 0   # built in
    path=${line%%:*}
    for dep in ${line#*:}; do add_module "$(basename "$dep" | sed -E 's/\.ko(\.xz|\.zst)?$//')"; done
    grep -qx "$(basename "$path")" "$root/modules/order" 2>/dev/null && return 0
    case "$path" in
      *.xz) xz -dc "$modules/$path" > "$root/modules/$(basename "${path%.xz}")" ;;
      *.zst) zstd -qdc "$modules/$path" > "$root/modules/$(basename "${path%.zst}")" ;;
      *) cp "$modules/$path" "$root/modules/" ;;
    esac
    basename "$path" | sed -E 's/\.(xz|zst)$//' >> "$root/modules/order"
  }
  for m in virtio_pci virtio_console 9pnet_virtio 9p veth tun virtio-rng virtio_rng; do add_module "$m"; done
  cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc && mount -t sysfs sys /sys && mount -t devtmpfs dev /dev
for m in $(cat /modules/order); do insmod /modules/$m 2>/dev/null; done
n=/newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 hostroot $n
mount -t proc proc $n/proc && mount -t sysfs sys $n/sys && mount -t devtmpfs dev $n/dev
mkdir -p $n/dev/pts $n/dev/shm && mount -t devpts devpts $n/dev/pts && mount -t tmpfs tmpfs $n/dev/shm
for d in /tmp /run /var/tmp; do mount -t tmpfs tmpfs $n$d; done
mount -t cgroup2 cgroup2 $n/sys/fs/cgroup
mount -t bpf bpf $n/sys/fs/bpf
RW=$(cat /proc/cmdline | sed -n 's/.*vm.rw=\([^ ]*\).*/\1/p')
RO=$(cat /proc/cmdline | sed -n 's/.*vm.ro=\([^ ]*\).*/\1/p')
if [ -n "$RO" ]; then
  mkdir -p $n$RO 2>/dev/null
  mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 ro0 $n$RO
fi
mkdir -p $n$RW 2>/dev/null
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 rw0 $n$RW
ip link set lo up 2>/dev/null || busybox ip link set lo up
# switch_root, not chroot: a chrooted process may not create user namespaces (run's sandbox does)
exec switch_root $n /bin/busybox sh -c "cd '$RW' && HOME=/tmp /bin/sh '$RW/.vm-command' > /dev/console 2>&1; \
  echo \$? > '$RW/.vm-exit-code'; sync; /bin/busybox poweroff -f"
INIT
  chmod +x "$root/init"
  (cd "$root" && find . | cpio -o -H newc --quiet) > "$work/initramfs.cpio"
fi

# the command, as a script on the shared directory
{ printf 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n'; printf '%q ' "$@"; printf '\n'; } > "$rw/.vm-command"
rm -f "$rw/.vm-exit-code"
# single-threaded TCG: with one host thread per vCPU, JIT-compiled JVM code was seen to crash
# (SIGSEGV in C1 code, about 1 JVM in 12), the emulator racing the JIT's code patching
ro_share=()
if [ -n "${VM_RO_DIR:-}" ]; then
  ro_share=(-virtfs "local,path=$VM_RO_DIR,mount_tag=ro0,security_model=passthrough,readonly=on,multidevs=remap")
fi
accel=tcg,thread=single
if [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qE '^(kvm_intel|kvm_amd) ' /proc/modules 2>/dev/null; then accel=kvm; fi
timeout --kill-after=10 "$timeout" qemu-system-x86_64 -nodefaults -no-reboot -display none -accel "$accel" \
  -bios /usr/share/qemu/qboot.rom -m 3072 -smp 2 -nic none -device virtio-rng-pci \
  -kernel "$boot" -initrd "$work/initramfs.cpio" \
  -append "console=ttyS0 mitigations=off random.trust_cpu=on quiet panic=-1 vm.rw=$rw ${VM_RO_DIR:+vm.ro=$VM_RO_DIR}" \
  -serial "file:$rw/console.log" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=passthrough,readonly=on,multidevs=remap \
  -virtfs "local,path=$rw,mount_tag=rw0,security_model=passthrough" "${ro_share[@]}" || true
if [ -f "$rw/.vm-exit-code" ]; then
  exit "$(cat "$rw/.vm-exit-code")"
fi
echo "vm-run: the guest reported no exit status (see $rw/console.log)" >&2
exit 125
