#!/usr/bin/env bash
# Runs the enforcement-core kernel tests inside qemu guests booted from Debian's kernels, one after
# another, and prints one row per kernel. The same test classes and assertions as on the host.
#   kernel-matrix.sh [SERIES...]      SERIES: 5.10 6.1 6.12 newest (default: all four)
# Needs a build (mvn package -DskipTests) and vm-tests' test classes (mvn -pl vm-tests test-compile).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(dirname "$here")
root=$(dirname "$module")
classes=${VM_TEST_CLASSES:-io.netfence.vmtests.RunCommandKernelTest io.netfence.vmtests.AttachCommandKernelTest}
launcher="$module/target/junit-platform-console-standalone.jar"
if [ ! -f "$launcher" ]; then
  mvn -B -q -f "$root/pom.xml" dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.11.4 \
      -DoutputDirectory="$module/target" -Dmdep.stripVersion=true >&2
fi
java=$(readlink -f "$(command -v java)")
selects=()
for c in $classes; do selects+=(--select-class "$c"); done

failed=0
rows=()
while read -r series dir; do
  out="$module/target/vm/$series"
  rm -rf "$out" && mkdir -p "$out"
  start=$(date +%s)
  set +e
  "$here/vm-run.sh" "$dir" "$out" 1500 -- /bin/sh -c "cd '$module' && '$java' -Dnetfence.jar='$root/agent/target/netfence.jar' \
      -jar '$launcher' execute --disable-banner --details=tree --class-path '$module/target/test-classes:$root/agent/target/netfence.jar' \
      ${selects[*]} --reports-dir '$out/reports'"
  status=$?
  set -e
  seconds=$(( $(date +%s) - start ))
  version=$(basename "$dir" | sed -E 's/^linux-(image|binary-unsigned)-//; s/-amd64(-unsigned)?$//')
  passed=$(grep -oE '\[ *[0-9]+ tests successful' "$out/console.log" | grep -oE '[0-9]+' | tail -1 || true)
  failures=$(grep -oE '\[ *[0-9]+ tests failed' "$out/console.log" | grep -oE '[0-9]+' | tail -1 || true)
  row="kernel $series ($version): ${passed:-0} passed, ${failures:-?} failed in ${seconds} s"
  if [ "$status" -ne 0 ] || [ -z "$passed" ] || [ "${failures:-1}" -ne 0 ]; then
    failed=1
    row="$row  FAILED (exit $status; $out/console.log)"
    tail -40 "$out/console.log" >&2 || true
  fi
  echo "$row"
  rows+=("$row")
done < <("$here/fetch-kernels.sh" "$@")

echo
echo "kernel matrix:"
printf '  %s\n' "${rows[@]}"
exit $failed
