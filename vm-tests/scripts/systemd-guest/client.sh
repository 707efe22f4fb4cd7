#!/bin/bash
# A confined service's traffic, from its first instruction: TCP to a denied port (9090) first, then
# the allowed one (8080), denied UDP (5353) and denied IPv6, every 20 ms, one line per attempt:
#   PID EPOCH-SECONDS ok|EPERM|ERROR DESTINATION
# bash builtins only in the loop (/dev/tcp, /dev/udp, EPOCHREALTIME, read -t): no fork+exec delay.
log=$1
exec 4<> <(:)   # an fd that never has input: read -t on it sleeps without a process
try() {
  local err
  if err=$( (exec 3<>"$1") 2>&1 ); then r=ok
  elif [[ $err == *"not permitted"* ]]; then r=EPERM
  else r=ERROR; fi
  echo "$$ $EPOCHREALTIME $r $1" >> "$log"
}
while :; do
  try /dev/tcp/198.18.0.2/9090
  try /dev/tcp/198.18.0.2/8080
  try /dev/udp/198.18.0.2/5353
  try /dev/tcp/fd00::2/9090
  read -t 0.02 -u 4 || true
done
