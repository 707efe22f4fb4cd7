#!/usr/bin/env bash
# Fetches Debian's generic amd64 kernels for the test matrix into a cache outside the repo and
# unpacks them; nothing is installed into /boot and the system's apt sources are not touched
# (a private apt config reads the other suites). Prints one "SERIES DIR" line per kernel.
#   fetch-kernels.sh [SERIES...]     SERIES: 5.10 6.1 6.12 newest (default: all four)
set -euo pipefail
cache="${VM_KERNEL_CACHE:-/var/cache/netfence-vm-kernels}"
series=("${@:-5.10 6.1 6.12 newest}")
[ $# -eq 0 ] && series=(5.10 6.1 6.12 newest)
apt_dir="$cache/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
key=/usr/share/keyrings/debian-archive-keyring.gpg
cat > "$apt_dir/sources.list" <<SOURCES
deb [signed-by=$key] http://deb.debian.org/debian bullseye main
deb [signed-by=$key] http://deb.debian.org/debian-security bullseye-security main
deb [signed-by=$key] http://deb.debian.org/debian bookworm main
deb [signed-by=$key] http://deb.debian.org/debian-security bookworm-security main
deb [signed-by=$key] http://deb.debian.org/debian trixie-backports main
SOURCES
apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o Dir::Etc::sourceparts=/nonexistent
          -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o Debug::NoLocking=1)
if [ -z "$(find "$apt_dir/lists" -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
  apt-get "${apt_opts[@]}" update -qq >&2
fi

# the newest generic amd64 image of a kernel series, matched by pattern: ABI numbers move
# (from 6.19 on, Debian ships the image as linux-binary-unsigned-* plus linux-modules-*)
newest_image() {
  apt-cache "${apt_opts[@]}" search --names-only "^linux-(image|binary-unsigned)-$1[.0-9+a-z-]*-amd64(-unsigned)?\$" 2>/dev/null \
    | awk '{print $1}' | grep -v -e cloud -e rt- -e dbg | grep -e unsigned | sort -V | tail -1
}

for s in "${series[@]}"; do
  case "$s" in
    5.10) pattern='5\.10\.0-[0-9]+' ;;
    6.1) pattern='6\.1\.0-[0-9]+' ;;
    6.12) pattern='6\.12\.[0-9]+\+deb12' ;;
    newest) pattern='(7|6\.(19|2[0-9]))\.[0-9.]+\+deb13' ;;
    *) echo "fetch-kernels: unknown series $s (5.10, 6.1, 6.12, newest)" >&2; exit 2 ;;
  esac
  package=$(newest_image "$pattern")
  if [ -z "$package" ]; then
    echo "fetch-kernels: no package for series $s in Debian's archive" >&2
    exit 1
  fi
  dir="$cache/$package"
  if [ ! -f "$dir/.unpacked" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$apt_dir/cache/archives" && apt-get "${apt_opts[@]}" download "$package" >&2)
    dpkg-deb -x "$apt_dir/cache/archives/${package}"_*.deb "$dir"
    # 6.19+ split the modules into their own package
    if [[ "$package" == linux-binary-unsigned-* ]]; then
      modules="linux-modules-${package#linux-binary-unsigned-}"
      (cd "$apt_dir/cache/archives" && apt-get "${apt_opts[@]}" download "$modules" >&2)
      dpkg-deb -x "$apt_dir/cache/archives/${modules}"_*.deb "$dir"
    fi
    touch "$dir/.unpacked"
  fi
  echo "$s $dir"
done
