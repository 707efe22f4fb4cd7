#!/bin/bash
# Runs inside the systemd guest (vm-run.sh with VM_SYSTEMD=1), as its vm-command unit: installs the
# .deb and checks netfence under the real systemd with traffic from confined services to a netns
# test host. Two boots: the first installs and runs the restart checks, then enables a service for
# the next boot and reboots; the second checks that service's first connect, then purges.
# Appends 'PASS name: detail', 'FAIL name: detail' and 'MEASURE name: value' lines to OUT/results.
#   checks.sh DEB OUT
set -u
deb=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
peer=$(cd "$here/../.." && pwd)/src/test/resources/peer.py
results=$out/results
stage=/var/lib/nf-systemd-guest-stage   # on the guest's disk: survives the reboot
cycles=${NF_CYCLES:-100}              # restarts without the drop-in
wait_cycles=${NF_WAIT_CYCLES:-$cycles}  # with it: each starts a JVM, 10-30 s under emulation
export SYSTEMD_PAGER= SYSTEMD_COLORS=0

note() { echo "$*" | tee -a "$results"; }
check() { # NAME DETAIL COMMAND...: PASS when COMMAND succeeds
  local name=$1 detail=$2; shift 2
  if "$@"; then note "PASS $name: $detail"; else note "FAIL $name: $detail"; fi
}
# violations: connections and datagrams that reached the test host on a denied port
violations() { cat /run/nf-peer.log 2>/dev/null | grep -cE '^(tcp-accept 9090|udp 5353) ' || true; }
# poll COMMAND every 2 s for up to SECONDS
until_ok() { local end=$((SECONDS + $1)); shift; until "$@" >/dev/null 2>&1; do [ $SECONDS -ge $end ] && return 1; sleep 2; done; }
restart_cycles() { # N: restart payments N times under its own traffic; echo how many restarts failed
  local failed=0 i
  for ((i = 0; i < $1; i++)); do systemctl restart payments.service || failed=$((failed + 1)); read -t 0.2 -u 4 || true; done
  echo "$failed"
}
exec 4<> <(:)

unit() { # NAME CONTENT: write a unit in /etc/systemd/system
  mkdir -p "$(dirname "/etc/systemd/system/$1")" && printf '%s\n' "$2" > "/etc/systemd/system/$1"
}
# timeouts for emulation: a JVM starts in 5-30 s here, and a booting agent applies after 90 s
wait_dropin='[Service]
ExecStartPre=/usr/bin/netfence wait --timeout 300
TimeoutStartSec=600'
policy() { # NAME TARGET [EXTRA-RULE]
  printf '  - name: %s\n    target: %s\n    egress:\n      - deny any\n      - allow localhost\n      - allow 198.18.0.2:8080/tcp\n      - allow [fd00::2]:8080/tcp\n%s' \
    "$1" "$2" "${3:+      - $3
}"
}

systemctl is-system-running --wait >/dev/null
if [ ! -f "$stage" ]; then
  : > "$results"
  # --- the package. The host image forbids starting services in maintainer scripts (Docker's
  # policy-rc.d, exit 101): right for an image build, wrong for this booted machine.
  rm -f /usr/sbin/policy-rc.d
  # and man-db's trigger would re-index every man page of the host under emulation (minutes)
  rm -f /var/lib/man-db/auto-update
  dpkg -i "$deb" > "$out/dpkg.log" 2>&1
  check package-installs "dpkg -i $(basename "$deb")" grep -q 'Setting up netfence' "$out/dpkg.log"
  check unit-enabled "postinst enabled netfence.service" systemctl -q is-enabled netfence.service
  check agent-ready "netfence status answers within 180 s" until_ok 180 netfence status
  # the pins must be in the host's bpffs, not in one private to the agent's sandbox: those would
  # vanish with the unit (an agent restart would detach every policy) and 'netfence wait' in
  # another unit would never see its cgroup confined
  check pins-on-host "the agent's pins are in this (the host's) mount namespace: $(ls /sys/fs/bpf/netfence/v* 2>&1 | tr '\n' ' ')" \
    sh -c "test -d /sys/fs/bpf/netfence/v*/progs"
  agent=$(systemctl show -p MainPID --value netfence.service)
  check agent-writable-mounts "the sandboxed agent may write cgroupfs and bpffs: $(awk '$5 ~ /^\/sys\/fs\/(cgroup|bpf)$/ {printf "%s %s; ", $5, $6}' /proc/$agent/mountinfo)" \
    sh -c "awk '\$5 == \"/sys/fs/cgroup\" {c = \$6} \$5 == \"/sys/fs/bpf\" {b = \$6} END {exit !(c ~ /^rw/ && b ~ /^rw/)}' /proc/$agent/mountinfo"
  check man-and-completion "man pages for netfence-wait and completion for bash and zsh" \
    test -f /usr/share/man/man1/netfence-wait.1.gz -a -f /usr/share/bash-completion/completions/netfence -a -f /usr/share/zsh/vendor-completions/_netfence
  check startup-cache "postinst made /var/cache/netfence (archive and JNA's library) and the CLI uses it" \
    sh -c 'test -s /var/cache/netfence/netfence.jsa -a -s /var/cache/netfence/libjnidispatch.so &&
      NETFENCE_JAVA_OPTS=-Xlog:class+load netfence --version | grep -q "source: shared objects file (top)"'
  note "MEASURE security: $(systemd-analyze security netfence.service 2>/dev/null | grep -i 'overall exposure' | sed 's/.*: //')"
  note "MEASURE agent-memory: $(systemctl show -p MemoryCurrent --value netfence.service | awk '{printf "%d MiB", $1/1048576}')"

  # --- the test host and the policies
  unit nf-testhost.service "[Unit]
Description=netns test host for the netfence checks
[Service]
ExecStartPre=$here/testhost.sh up
ExecStart=/usr/sbin/ip netns exec nfhost /usr/bin/python3 $peer /run/nf-peer.log 8080,9090 5353
ExecStopPost=$here/testhost.sh down
[Install]
WantedBy=multi-user.target"
  unit payments.service "[Unit]
Description=payments (a service a netfence policy targets)
# restarted 100 times in a row: no start rate limit
StartLimitIntervalSec=0
[Service]
ExecStart=/bin/bash $here/client.sh /run/payments.log"
  { echo 'policies:'; policy payments payments.service; policy payments-boot payments-boot.service; } > /etc/netfence/policies.d/payments.yaml
  systemctl daemon-reload && systemctl start nf-testhost.service && systemctl reload netfence.service
  check reload-adds-policy "systemctl reload netfence: payments is listed" until_ok 60 sh -c 'netfence policies | grep -q payments'

  # --- a login user of group netfence confines one command: the package's launcher hands run to
  # /usr/lib/netfence/nf-sandbox, which asks the agent without a JVM
  useradd -m -G netfence nftester
  ran=$(su - nftester -c 'netfence run --deny 198.18.0.2:8080/tcp -- /bin/bash -c "grep ^0:: /proc/self/cgroup; id -un;
    (exec 3<>/dev/tcp/198.18.0.2/8080) 2>/dev/null && echo connected || echo refused"' 2>&1 | tr '\n' ' ')
  check user-run "as nftester: $ran" sh -c "echo '$ran' | grep -q 'netfence-runs.slice/uid-[0-9]*/run-[0-9]* nftester refused'"
  su - nftester -c 'netfence run --deny any -- sleep 5' > /dev/null 2>&1 &
  sleep 2
  check user-run-no-jvm "the user's run is nf-sandbox's client: $(pgrep -u nftester -l | tr '\n' ' ')" \
    sh -c 'pgrep -u nftester -x nf-sandbox && ! pgrep -u nftester -x java'
  wait

  # --- restarts without the drop-in: the window from the cgroup's creation to its confinement
  before=$(violations) && : > /run/payments.log
  systemctl start payments.service && failed=$(restart_cycles "$cycles") && systemctl stop payments.service
  leaked=$(( $(violations) - before ))
  window=$(awk '$3 == "ok" && $4 ~ /9090|5353/ {last[$1] = $2} !($1 in first) {first[$1] = $2; starts++}
    END {for (p in last) {w = last[p] - first[p]; n++; if (w > max) max = w}; printf "%d of %d starts leaked, longest window %.0f ms", n, starts, max * 1000}' /run/payments.log)
  note "MEASURE without-dropin: $cycles restarts ($failed failed): $leaked packets reached denied ports; $window; $(grep -c ' ok /dev/tcp/198.18.0.2/8080' /run/payments.log) allowed connections"

  # --- restarts with ExecStartPre=netfence wait: no window
  unit payments.service.d/netfence.conf "$wait_dropin" && systemctl daemon-reload
  before=$(violations) && : > /run/payments.log
  start=$SECONDS
  systemctl start payments.service && failed=$(restart_cycles "$wait_cycles")
  took=$((SECONDS - start))
  check dropin-no-window "$wait_cycles restarts in $took s ($failed failed): $(( $(violations) - before )) packets to denied ports" \
    test "$(( $(violations) - before ))" = 0 -a "$failed" = 0
  note "MEASURE with-dropin: $wait_cycles restarts ($failed failed): $(( $(violations) - before )) packets reached denied ports; $(awk -v t="$took" -v n="$wait_cycles" 'BEGIN {printf "%.1f", t / n}') s a restart under emulation (netfence wait is a JVM)"
  allowed=$(grep -c ' ok /dev/tcp/198.18.0.2/8080' /run/payments.log)
  check dropin-traffic-flows "the allowed port still answered ($allowed connections)" test "$allowed" -gt 0

  # --- the agent restarted and killed under the same traffic (and a payments restart meanwhile)
  before=$(violations)
  systemctl restart netfence.service && systemctl restart payments.service
  pid=$(systemctl show -p MainPID --value netfence.service) && kill -9 "$pid"
  systemctl restart payments.service   # waits in netfence wait until the restarted agent confines it
  until_ok 120 netfence status
  check agent-restart-kill "systemctl restart netfence, kill -9 $pid, payments restarted twice: $(( $(violations) - before )) packets to denied ports" \
    test "$(( $(violations) - before ))" = 0 -a "$(systemctl show -p MainPID --value netfence.service)" != "$pid"
  # an upgrade (the same package again): postinst try-restarts the agent
  pid=$(systemctl show -p MainPID --value netfence.service) && before=$(violations)
  dpkg -i "$deb" >> "$out/dpkg.log" 2>&1 && until_ok 120 netfence status
  check upgrade-restarts "dpkg -i over the installed package: new agent pid, $(( $(violations) - before )) packets to denied ports" \
    test "$(systemctl show -p MainPID --value netfence.service)" != "$pid" -a "$(( $(violations) - before ))" = 0

  # --- reload: a changed file applies; a broken one is refused at priority err, the rest is info
  { echo 'policies:'; policy payments payments.service 'deny 198.18.0.2:8080/tcp'; policy payments-boot payments-boot.service; } > /etc/netfence/policies.d/payments.yaml
  mark=$EPOCHREALTIME && systemctl reload netfence.service
  check reload-applies "after a changed file, the service's connects to :8080 get EPERM" \
    until_ok 60 awk -v t="$mark" '$2 > t + 0 && $3 == "EPERM" && $4 ~ /8080/ {found = 1} END {exit !found}' /run/payments.log
  since=$(date +%s) && sleep 1
  printf 'policies:\n  - name: broken\n    target: x.service\n    egress: [allow nonsense]\n' > /etc/netfence/policies.d/broken.yaml
  systemctl reload netfence.service && sleep 5
  check journal-err "the refused file is logged at priority err" \
    sh -c "journalctl -u netfence.service --since=@$since -p err -o cat | grep -q broken.yaml"
  check journal-info "INFO lines are at priority info, not err" \
    sh -c "journalctl -u netfence.service -p info..info -o cat | grep -q INFO && ! journalctl -u netfence.service -p err -o cat | grep -q ' INFO '"
  rm /etc/netfence/policies.d/broken.yaml
  { echo 'policies:'; policy payments payments.service; policy payments-boot payments-boot.service; } > /etc/netfence/policies.d/payments.yaml
  systemctl reload netfence.service && systemctl stop payments.service

  # --- boot: a service enabled for boot, with the drop-in; its first connect is checked after the reboot
  unit payments-boot.service "[Unit]
Description=payments at boot
Wants=nf-testhost.service
After=nf-testhost.service
[Service]
ExecStartPre=/usr/bin/netfence wait --timeout 300
TimeoutStartSec=600
ExecStart=/bin/bash $here/client.sh /run/payments-boot.log
[Install]
WantedBy=multi-user.target"
  systemctl enable -q nf-testhost.service payments-boot.service
  journalctl -b -u netfence.service -u payments.service -o short-monotonic > "$out/boot1.journal" 2>&1
  cp /run/payments.log /run/nf-peer.log "$out/" 2>/dev/null
  netfence policies > "$out/policies.txt" 2>&1
  echo rebooted > "$stage" && touch /run/vm-reboot && sync
  exit 0
fi

# --- second boot
first=$(head -1 /run/payments-boot.log 2>/dev/null)
check boot-first-connect "payments-boot's first attempt after boot: '${first#* * }'" test "${first#* * }" = "EPERM /dev/tcp/198.18.0.2/9090"
check boot-no-violation "$(violations) packets to denied ports since boot" test "$(violations)" = 0
note "MEASURE boot: netfence.service active after $(systemctl show -p ActiveEnterTimestampMonotonic --value netfence.service | awk '{printf "%.1f s", $1/1e6}'), payments-boot started $(systemctl show -p ExecMainStartTimestampMonotonic --value payments-boot.service | awk '{printf "%.1f s", $1/1e6}') after kernel start"

# --- purge: unit and config go, the pinned policies stay in force
dpkg --purge netfence >> "$out/dpkg.log" 2>&1
check purge-removes "unit, /etc/netfence, /var/lib/netfence and /var/cache/netfence are gone" \
  test ! -e /lib/systemd/system/netfence.service -a ! -e /etc/netfence -a ! -e /var/lib/netfence -a ! -e /var/cache/netfence
mark=$EPOCHREALTIME && sleep 3
check purge-detaches-nothing "pins remain and payments-boot still gets EPERM" \
  sh -c "ls -d /sys/fs/bpf/netfence/v*/progs >/dev/null && awk -v t=$mark '\$2 > t + 0 && \$3 == \"EPERM\" {f = 1} END {exit !f}' /run/payments-boot.log"
systemctl stop payments-boot.service nf-testhost.service
journalctl -b -u netfence.service -o short-monotonic > "$out/netfence.journal" 2>&1
rm -f "$stage"
echo "$(grep -c '^PASS' "$results") passed, $(grep -c '^FAIL' "$results") failed"
