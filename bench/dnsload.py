#!/usr/bin/env python3
"""dnsload SERVER COUNT PREFIX: COUNT A queries for PREFIX-0.bench.test, PREFIX-1.bench.test, ...
(distinct names) on one connected UDP socket, one after the other, as a resolver library asks.
Prints: p50_us p99_us lookups_per_s failures. Each query waits at most 2 s (then counts as failed)."""
import random
import socket
import struct
import sys
import time


def query(name):
    qid = random.randrange(65536)
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return qid, struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + labels + struct.pack(">HH", 1, 1)


def main(server, count, prefix):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.connect((server, 53))
    latencies, failures = [], 0
    start = time.monotonic()
    for i in range(count):
        qid, message = query(f"{prefix}-{i}.bench.test")
        t = time.monotonic()
        s.send(message)
        try:
            while True:
                answer = s.recv(4096)
                if len(answer) >= 4 and struct.unpack(">H", answer[:2])[0] == qid:
                    break
            if answer[3] & 0x0F != 0:
                failures += 1
        except (socket.timeout, OSError):
            failures += 1
        latencies.append(time.monotonic() - t)
    elapsed = time.monotonic() - start
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(len(latencies) * q))] * 1e6
    print(f"{p(0.5):.0f} {p(0.99):.0f} {count / elapsed:.0f} {failures}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
