#!/usr/bin/env bash
# Runs the enforcement-core kernel tests inside qemu guests booted from Debian's kernels and prints
# one row per kernel. The same test classes and assertions as on the host. Two guests run at a time:
# each is single-threaded TCG, so two keep both of this machine's cores busy.
#   kernel-matrix.sh [SERIES...]      SERIES: 5.10 6.1 6.12 newest systemd (default, what CI runs:
#                                     5.10 6.12 newest, and systemd where a package is built)
# 'systemd' is the package under a real systemd on 6.1 (systemd-guest.sh; NF_CYCLES, NF_WAIT_CYCLES
# set its restart counts, 20 and 3 here: 100 of each take 36 min under TCG), run as one more guest
# beside the others; it stands in for a 6.1 row within CI's budget.
# Needs a build (mvn package -DskipTests) and vm-tests' test classes (mvn -pl vm-tests test-compile);
# 'systemd' needs the package (dist/build-deb.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(dirname "$here")
root=$(dirname "$module")
classes=${VM_TEST_CLASSES:-io.netfence.vmtests.RunCommandKernelTest io.netfence.vmtests.AttachCommandKernelTest}
# the escape tests where what holds differs: 5.10 has no BPF LSM (run's dropped CAP_NET_RAW holds,
# attach warns), 6.12 refuses packet sockets per cgroup; the CI budget does not fit them everywhere
escape_series=${VM_ESCAPE_SERIES-5.10 6.12}
parallel=${VM_PARALLEL:-2}
launcher="$module/target/junit-platform-console-standalone.jar"
if [ ! -f "$launcher" ]; then
  mvn -B -q -f "$root/pom.xml" dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.11.4 \
      -DoutputDirectory="$module/target" -Dmdep.stripVersion=true >&2
fi
java=$(readlink -f "$(command -v java)")
# the classes one series runs: the common ones, plus the escape class where it is chosen
selects_for() {
  local c out=()
  for c in $classes; do out+=(--select-class "$c"); done
  case " $escape_series " in *" $1 "*) [ -z "${VM_TEST_CLASSES:-}" ] && out+=(--select-class io.netfence.vmtests.EscapeKernelTest) ;; esac
  echo "${out[*]}"
}

# one kernel: boot, run the tests, write a summary row to OUT/row (and 0/1 to OUT/failed)
run_kernel() {
  local series=$1 dir=$2 out="$module/target/vm/$1" start status version passed failures row
  rm -rf "$out" && mkdir -p "$out"
  start=$(date +%s)
  set +e
  VM_RO_DIR="$root" "$here/vm-run.sh" "$dir" "$out" 1800 -- /bin/sh -c "cd '$module' && '$java' -Dnetfence.jar='$root/agent/target/netfence.jar' \
      -jar '$launcher' execute --disable-banner --details=tree --class-path '$module/target/test-classes:$root/agent/target/netfence.jar' \
      $(selects_for "$series") --reports-dir '$out/reports'" > "$out/runner.log" 2>&1
  status=$?
  set -e
  version=$(basename "$dir" | sed -E 's/^linux-(image|binary-unsigned)-//; s/-amd64(-unsigned)?$//')
  passed=$(grep -oE '\[ *[0-9]+ tests successful' "$out/console.log" 2>/dev/null | grep -oE '[0-9]+' | tail -1 || true)
  failures=$(grep -oE '\[ *[0-9]+ tests failed' "$out/console.log" 2>/dev/null | grep -oE '[0-9]+' | tail -1 || true)
  row="kernel $series ($version): ${passed:-0} passed, ${failures:-?} failed in $(( $(date +%s) - start )) s"
  if [ "$status" -ne 0 ] || [ -z "$passed" ] || [ "${failures:-1}" -ne 0 ]; then
    echo "$row  FAILED (exit $status; see $out/console.log)" > "$out/row"
    echo 1 > "$out/failed"
  else
    echo "$row" > "$out/row"
    echo 0 > "$out/failed"
  fi
}

# the systemd guest: its summary line as the row, its checks' failures as the failure report
run_systemd() {
  local out="$module/target/vm/systemd" log="$module/target/vm/systemd.log" status=0
  mkdir -p "$module/target/vm"
  NF_CYCLES=${NF_CYCLES:-20} NF_WAIT_CYCLES=${NF_WAIT_CYCLES:-3} "$here/systemd-guest.sh" > "$log" 2>&1 || status=$?
  mkdir -p "$out"
  grep -h '^systemd guest:' "$log" > "$out/row" || echo "systemd guest: no summary" > "$out/row"
  if [ "$status" -ne 0 ]; then
    sed -i "s|\$|  FAILED (exit $status; see $log)|" "$out/row"
    echo 1 > "$out/failed"
  else
    echo 0 > "$out/failed"
  fi
}

requested=("$@")
if [ $# -eq 0 ]; then
  requested=(5.10 6.12 newest)
  ls "$root"/agent/target/netfence_*_amd64.deb >/dev/null 2>&1 && requested+=(systemd)
fi
queue=() kernel_series=()
for s in "${requested[@]}"; do [ "$s" = systemd ] || kernel_series+=("$s"); done
# the systemd guest first: it runs longest, so the kernels fill the other slot meanwhile
case " ${requested[*]} " in *" systemd "*) queue+=(systemd) ;; esac
if [ ${#kernel_series[@]} -gt 0 ]; then
  while read -r series dir; do queue+=("$series $dir"); done < <("$here/fetch-kernels.sh" "${kernel_series[@]}")
fi
kernels=("${queue[@]}")
running=0
for k in "${kernels[@]}"; do
  if [ "$k" = systemd ]; then run_systemd & else run_kernel $k & fi
  running=$((running + 1))
  if [ "$running" -ge "$parallel" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

failed=0
echo "kernel matrix (${classes// /, }; EscapeKernelTest on ${escape_series:-none}):"
for k in "${kernels[@]}"; do
  out="$module/target/vm/${k%% *}"
  cat "$out/row"
  if [ "${k%% *}" = systemd ]; then   # its checks and figures, for the closing note
    grep -E '^  (PASS|FAIL|MEASURE) ' "$module/target/vm/systemd.log" || true
  fi
  if [ "$(cat "$out/failed" 2>/dev/null || echo 1)" != 0 ]; then
    failed=1
    if [ "${k%% *}" = systemd ]; then
      grep -E '^FAIL|^systemd-guest:' "$module/target/vm/systemd.log" >&2 || true
    else
      sed -n '/^Failures/,/^Test run finished/p' "$out/console.log" >&2 || tail -30 "$out/console.log" >&2 || true
    fi
  fi
done
exit $failed
