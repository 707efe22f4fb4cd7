#!/usr/bin/env python3
"""DNS probes, as a resolver library does them (connect() then send, the answer read with recvfrom and
its source checked). Each prints one result line:
  dns NAME SERVER TYPE [tcp]         answer ADDR,ADDR | rcode N | wrong-source ADDR | timeout | error ERRNO
  dnsconnect NAME SERVER TYPE PORT   look up, then TCP connect to the first address at once: ok | rcode N | error ERRNO
  dnshold NAME SERVER PORT SECONDS   look up (A), connect, echo 'before', wait SECONDS, echo 'after', then a new
                                     connect without a lookup: 'held echo after; again error EPERM'
  dnsloop N NAME SERVER PORT         N times: look up (A) and connect at once: lookups N refused R failed F
TYPE is A or AAAA.
"""
import errno
import random
import socket
import struct
import sys
import time

TYPES = {"A": 1, "AAAA": 28}


def errname(e):
    return "error " + errno.errorcode.get(e.errno, str(e.errno))


def query(name, qtype):
    qid = random.randint(0, 65535)
    labels = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".") if l)
    return qid, struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + labels + b"\0" + struct.pack("!HH", TYPES[qtype], 1)


def skip_name(msg, i):
    while True:
        length = msg[i]
        if length == 0:
            return i + 1
        if length & 0xC0 == 0xC0:
            return i + 2
        i += length + 1


def parse(msg, qid):
    rid, flags, qd, an, _, _ = struct.unpack("!HHHHHH", msg[:12])
    if rid != qid:
        raise ValueError("id mismatch")
    rcode = flags & 0xF
    i = 12
    for _ in range(qd):
        i = skip_name(msg, i) + 4
    addresses = []
    for _ in range(an):
        i = skip_name(msg, i)
        rtype, _, _, length = struct.unpack("!HHIH", msg[i:i + 10])
        i += 10
        if rtype == 1 and length == 4:
            addresses.append(socket.inet_ntop(socket.AF_INET, msg[i:i + 4]))
        elif rtype == 28 and length == 16:
            addresses.append(socket.inet_ntop(socket.AF_INET6, msg[i:i + 16]))
        i += length
    return rcode, addresses


def lookup(name, server, qtype, tcp=False):
    """('answer', [addresses]) or (result line, None)."""
    qid, q = query(name, qtype)
    try:
        if tcp:
            s = socket.create_connection((server, 53), timeout=3)
            s.sendall(struct.pack("!H", len(q)) + q)
            length = struct.unpack("!H", s.recv(2, socket.MSG_WAITALL))[0]
            msg = s.recv(length, socket.MSG_WAITALL)
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(3)
            s.connect((server, 53))
            s.send(q)
            msg, source = s.recvfrom(65535)
            if source != (server, 53):
                return "wrong-source %s:%d" % source, None
        s.close()
    except socket.timeout:
        return "timeout", None
    except OSError as e:
        return errname(e), None
    rcode, addresses = parse(msg, qid)
    if rcode != 0:
        return "rcode %d" % rcode, None
    return "answer", addresses


def connect(address, port):
    s = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(3)
    try:
        s.connect((address, int(port)))
        return "ok", s
    except socket.timeout:
        return "timeout", None
    except OSError as e:
        return errname(e), None


def dns(name, server, qtype, transport="udp"):
    result, addresses = lookup(name, server, qtype, transport == "tcp")
    return result if addresses is None else "answer " + ",".join(addresses)


def dnsconnect(name, server, qtype, port):
    result, addresses = lookup(name, server, qtype)
    if addresses is None:
        return result
    if not addresses:
        return "no address"
    result, s = connect(addresses[0], port)
    if s:
        s.close()
    return result


def echo(s, text):
    s.sendall((text + "\n").encode())
    return s.recv(4096).decode().strip()


def dnshold(name, server, port, seconds):
    result, addresses = lookup(name, server, "A")
    if addresses is None:
        return result
    result, s = connect(addresses[0], port)
    if not s:
        return result
    first = echo(s, "before")
    time.sleep(float(seconds))
    try:
        second = echo(s, "after")
    except OSError as e:
        second = errname(e)
    s.close()
    again, s2 = connect(addresses[0], port)
    if s2:
        s2.close()
    return "held echo %s echo %s; again %s" % (first, second, again)


def dnsloop(count, name, server, port):
    refused = failed = done = 0
    for _ in range(int(count)):
        if failed + refused >= 10:  # something is wrong: say so now rather than after N timeouts
            break
        done += 1
        result, addresses = lookup(name, server, "A")
        if addresses is None or not addresses:
            failed += 1
            continue
        result, s = connect(addresses[0], port)
        if s:
            s.close()
        elif result == "error EPERM":
            refused += 1
        else:
            failed += 1
    return "lookups %d refused %d failed %d" % (done, refused, failed)


PROBES = {"dns": dns, "dnsconnect": dnsconnect, "dnshold": dnshold, "dnsloop": dnsloop}

if __name__ == "__main__":
    print(PROBES[sys.argv[1]](*sys.argv[2:]), flush=True)
