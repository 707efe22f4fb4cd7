#!/usr/bin/env bash
# Proves netfence under a real systemd: boots Debian's 6.1 kernel in qemu with the host's own
# systemd as PID 1 (vm-run.sh, VM_SYSTEMD=1), installs the package dist/build-deb.sh made and runs
# systemd-guest/checks.sh there (two boots). Prints the measurements and one summary line,
#   systemd guest: N passed, N failed
# NF_CYCLES (default 100) restarts of the service without the wait drop-in, NF_WAIT_CYCLES (default
# NF_CYCLES) with it; each of those starts a JVM (netfence wait), 13-16 s under emulation: 100 of
# each took 36 min in all (VM_SYSTEMD_TIMEOUT=5400, the guest's bound, default 1800 s), 20 and 3
# took 15 min, and CI runs those (.ci/run).
# The guest's systemd takes itself for a container (the host image has /.dockerenv) and so mounts
# no bpffs at boot, as on container hosts: netfence-bpffs.service has to.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(dirname "$here")
root=$(dirname "$module")
deb=$(ls "$root"/agent/target/netfence_*_amd64.deb 2>/dev/null | tail -1)
[ -n "$deb" ] || { echo "systemd-guest: no package: run dist/build-deb.sh first" >&2; exit 2; }
read -r _ kernel < <("$here/fetch-kernels.sh" "${VM_SYSTEMD_KERNEL:-6.1}")
out="$module/target/vm/systemd"
rm -rf "$out" && mkdir -p "$out"
start=$(date +%s)
set +e
VM_SYSTEMD=1 "$here/vm-run.sh" "$kernel" "$out" "${VM_SYSTEMD_TIMEOUT:-1800}" -- \
  /usr/bin/env NF_CYCLES="${NF_CYCLES:-100}" NF_WAIT_CYCLES="${NF_WAIT_CYCLES:-${NF_CYCLES:-100}}" /bin/bash "$here/systemd-guest/checks.sh" "$deb" "$out" > "$out/runner.log" 2>&1
status=$?
set -e
touch "$out/results"
sed -n 's/^\(PASS\|FAIL\|MEASURE\) /  \1 /p' "$out/results"
passed=$(grep -c '^PASS' "$out/results" || true)
failed=$(grep -c '^FAIL' "$out/results" || true)
echo "systemd guest: $passed passed, $failed failed in $(( $(date +%s) - start )) s ($(basename "$deb"), $(du -k "$deb" | cut -f1) KiB)"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  grep '^FAIL' "$out/results" >&2 || true
  echo "systemd-guest: the guest exited with $status (console: $out/console.log)" >&2
  exit 1
fi
