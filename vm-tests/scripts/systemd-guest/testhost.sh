#!/bin/bash
# The netns test host for the systemd guest: veth nf0 (198.18.0.1, fd00::1) to nf1 in netns nfhost
# (198.18.0.2, fd00::2), where peer.py logs every connection and datagram.
#   testhost.sh up|down
set -eu
if [ "$1" = down ]; then ip netns del nfhost 2>/dev/null || true; exit 0; fi
ip netns del nfhost 2>/dev/null || true
ip netns add nfhost
ip link add nf0 type veth peer name nf1 netns nfhost
ip addr add 198.18.0.1/24 dev nf0 && ip -6 addr add fd00::1/64 dev nf0 nodad && ip link set nf0 up
ip -n nfhost addr add 198.18.0.2/24 dev nf1 && ip -n nfhost -6 addr add fd00::2/64 dev nf1 nodad
ip -n nfhost link set nf1 up && ip -n nfhost link set lo up
