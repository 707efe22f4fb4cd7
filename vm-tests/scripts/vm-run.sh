#!/usr/bin/env bash
# Runs a command as root inside a qemu guest booted from an unpacked Debian kernel package.
# The guest sees the host's / read-only over 9p, RW_DIR read-write at the same path, VM_RO_DIR
# (if set: e.g. the checkout, which may sit under /tmp) read-only at its path, fresh
# proc/sys/dev/tmpfs, its own cgroup2 at /sys/fs/cgroup and bpffs at /sys/fs/bpf, loopback and no
# other network device. TCG (software emulation): this machine's KVM cannot run stock kernels.
#   vm-run.sh KERNEL_DIR RW_DIR TIMEOUT_SECONDS -- COMMAND...
# Exits with the command's status (125 if the guest never reported one). The console is kept in
# RW_DIR/console.log.
# VM_SYSTEMD=1 boots the host's systemd as PID 1 instead, over a writable overlay of the host's /
# (upper layer on a fresh ext4 disk, RW_DIR/.vm-disk.img, so it survives a reboot of the guest);
# COMMAND then runs as a unit that multi-user.target wants (it may wait for the boot with
# `systemctl is-system-running --wait`). It may reboot the guest by creating
# /run/vm-reboot and exiting; it runs again after the reboot, and the guest powers off when it
# exits without asking for one.
set -euo pipefail
kernel_dir=$1 rw=$2 timeout=$3
shift 3
[ "$1" = "--" ] && shift
work="$kernel_dir/.vm"
mkdir -p "$work" "$rw"
rw=$(cd "$rw" && pwd)   # the guest mounts it at the same, absolute, path

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

# a small initramfs: busybox, the modules for virtio/9p/veth (and the overlay on ext4), and /init.
# Named after this script's content: worktrees with other versions of it share the kernel cache.
initramfs="$work/initramfs-$(sha1sum "$0" | cut -c1-12).cpio"
if [ ! -f "$initramfs" ]; then
  root="$work/initramfs-$$"
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
  for m in virtio_pci virtio_console 9pnet_virtio 9p veth tun virtio-rng virtio_rng virtio_blk overlay crc32c_generic ext4; do
    add_module "$m"
  done
  cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc && mount -t sysfs sys /sys && mount -t devtmpfs dev /dev
for m in $(cat /modules/order); do insmod /modules/$m 2>/dev/null; done
n=/newroot
RW=$(cat /proc/cmdline | sed -n 's/.*vm.rw=\([^ ]*\).*/\1/p')
RO=$(cat /proc/cmdline | sed -n 's/.*vm.ro=\([^ ]*\).*/\1/p')
if grep -q vm.systemd=1 /proc/cmdline; then . /systemd-init; fi
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 hostroot $n
mount -t proc proc $n/proc && mount -t sysfs sys $n/sys && mount -t devtmpfs dev $n/dev
mkdir -p $n/dev/pts $n/dev/shm && mount -t devpts devpts $n/dev/pts && mount -t tmpfs tmpfs $n/dev/shm
for d in /tmp /run /var/tmp; do mount -t tmpfs tmpfs $n$d; done
mount -t cgroup2 cgroup2 $n/sys/fs/cgroup
mount -t bpf bpf $n/sys/fs/bpf
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
  # systemd as PID 1: the host's / read-only below, the guest's changes on /dev/vda above it
  cat > "$root/systemd-init" <<'INIT'
mkdir -p /lower /disk
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 hostroot /lower
mount -t ext4 /dev/vda /disk && mkdir -p /disk/upper /disk/work
mount -t overlay overlay -o lowerdir=/lower,upperdir=/disk/upper,workdir=/disk/work $n
# the guest kernel's modules, for systemd-udevd and modprobe
KDIR=$(sed -n 's/.*vm.kdir=\([^ ]*\).*/\1/p' /proc/cmdline)
for m in $n$KDIR/lib/modules/* $n$KDIR/usr/lib/modules/*; do
  [ -d "$m" ] && mkdir -p "$n/lib/modules/${m##*/}" && mount --bind "$m" "$n/lib/modules/${m##*/}"
done
[ -n "$RO" ] && mkdir -p $n$RO && mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 ro0 $n$RO
mkdir -p $n$RW && mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 rw0 $n$RW
u=$n/etc/systemd/system
# the host's own enabled services and timers (databases, apt) have no business in the guest
for f in /lower/etc/systemd/system/*.wants/*; do ln -sfn /dev/null "$u/${f##*/}"; done
ln -sfn /dev/null $u/serial-getty@ttyS0.service && ln -sfn /dev/null $u/console-getty.service
cat > $n/run-vm-command <<CMD
#!/bin/sh
/bin/sh $RW/.vm-command
rc=\$?
if [ -e /run/vm-reboot ]; then systemctl --no-block reboot; exit 0; fi
echo \$rc > $RW/.vm-exit-code && sync && systemctl --no-block poweroff
CMD
cat > $u/vm-command.service <<UNIT
[Unit]
Description=vm-run command
[Service]
Type=simple
Environment=HOME=/root
WorkingDirectory=$RW
StandardOutput=journal+console
StandardError=journal+console
ExecStart=/bin/sh /run-vm-command
TimeoutStartSec=infinity
UNIT
mkdir -p $u/multi-user.target.wants && ln -sfn ../vm-command.service $u/multi-user.target.wants/vm-command.service
umount /proc /sys 2>/dev/null; umount /dev 2>/dev/null
exec switch_root $n /lib/systemd/systemd
INIT
  chmod +x "$root/init"
  (cd "$root" && find . | cpio -o -H newc --quiet) > "$initramfs.tmp" && mv "$initramfs.tmp" "$initramfs"
  rm -rf "$root"
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
systemd=(-no-reboot) append=""
if [ "${VM_SYSTEMD:-}" = 1 ]; then   # a reboot must reboot the guest; the disk holds its changes
  rm -f "$rw/.vm-disk.img" && truncate -s 2G "$rw/.vm-disk.img" && mkfs.ext4 -q -F "$rw/.vm-disk.img"
  systemd=(-drive "file=$rw/.vm-disk.img,if=virtio,format=raw,cache=unsafe")
  append="vm.systemd=1 vm.kdir=$kernel_dir systemd.show_status=0"
fi
if [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qE '^(kvm_intel|kvm_amd) ' /proc/modules 2>/dev/null; then accel=kvm; fi
timeout --kill-after=10 "$timeout" qemu-system-x86_64 -nodefaults -display none -accel "$accel" \
  -bios /usr/share/qemu/qboot.rom -m 3072 -smp 2 -nic none -device virtio-rng-pci \
  -kernel "$boot" -initrd "$initramfs" "${systemd[@]}" \
  -append "console=ttyS0 mitigations=off random.trust_cpu=on quiet panic=-1 vm.rw=$rw ${VM_RO_DIR:+vm.ro=$VM_RO_DIR} $append" \
  -serial "file:$rw/console.log" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=passthrough,readonly=on,multidevs=remap \
  -virtfs "local,path=$rw,mount_tag=rw0,security_model=passthrough" "${ro_share[@]}" || true
if [ -f "$rw/.vm-exit-code" ]; then
  exit "$(cat "$rw/.vm-exit-code")"
fi
echo "vm-run: the guest reported no exit status (see $rw/console.log)" >&2
exit 125
