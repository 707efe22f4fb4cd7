#!/usr/bin/env python3
"""DNS probes, as a resolver library does them (connect() then send, the answer read with recvfrom and
its source checked). Each prints one result line:
  dns NAME SERVER TYPE [tcp]         answer ADDR,ADDR | rcode N | wrong-source ADDR | timeout | error ERRNO
  dnsconnect NAME SERVER TYPE PORT   look up, then TCP connect to the first address at once: ok | rcode N | error ERRNO
  dnshold NAME SERVER PORT SECONDS   look up (A), connect, echo 'before', wait SECONDS, echo 'after', then a new
                                     connect without a lookup: 'held echo after; again error EPERM'
  dnsloop N NAME SERVER PORT [SECONDS]
                                     N times (or until SECONDS have passed): look up (A) and connect at once:
                                     lookups N refused R failed F
  dnsreuse N NAME SERVER             N lookups (A) on one connected UDP socket, as glibc keeps it, each sent the
                                     moment the previous answer is in: answers N timeouts T
  dnstruncated NAME SERVER ADDRESS PORT
                                     as a resolver library does with an answer too large for UDP: ask over UDP,
                                     start a connect() to each address of the truncated answer (EPERM comes at
                                     once, anything else is the network's), ask again over TCP, connect to ADDRESS:
                                     udp truncated with answers refused R; tcp N answers; connect ok
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
    """(rcode, truncated, addresses): the whole records of the answer section."""
    rid, flags, qd, an, _, _ = struct.unpack("!HHHHHH", msg[:12])
    if rid != qid:
        raise ValueError("id mismatch")
    rcode = flags & 0xF
    truncated = bool(flags & 0x0200)
    i = 12
    for _ in range(qd):
        i = skip_name(msg, i) + 4
    addresses = []
    for _ in range(an):
        if i >= len(msg):
            break
        i = skip_name(msg, i)
        if i + 10 > len(msg):
            break
        rtype, _, _, length = struct.unpack("!HHIH", msg[i:i + 10])
        i += 10
        if rtype == 1 and length == 4:
            addresses.append(socket.inet_ntop(socket.AF_INET, msg[i:i + 4]))
        elif rtype == 28 and length == 16:
            addresses.append(socket.inet_ntop(socket.AF_INET6, msg[i:i + 16]))
        i += length
    return rcode, truncated, addresses


def lookup(name, server, qtype, tcp=False):
    """('answer', [addresses]) or (result line, None)."""
    result, addresses, _ = ask(name, server, qtype, tcp)
    return result, addresses


def ask(name, server, qtype, tcp=False):
    """('answer', [addresses], truncated) or (result line, None, False)."""
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
                return "wrong-source %s:%d" % source, None, False
        s.close()
    except socket.timeout:
        return "timeout", None, False
    except OSError as e:
        return errname(e), None, False
    rcode, truncated, addresses = parse(msg, qid)
    if rcode != 0:
        return "rcode %d" % rcode, None, False
    return "answer", addresses, truncated


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


def dnsloop(count, name, server, port, seconds=None):
    refused = failed = done = 0
    deadline = None if seconds is None else time.monotonic() + float(seconds)
    for _ in range(int(count)):
        if failed + refused >= 10:  # something is wrong: say so now rather than after N timeouts
            break
        if deadline is not None and time.monotonic() > deadline:
            return "lookups %d refused %d failed %d (stopped after %s s)" % (done, refused, failed, seconds)
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


def dnsreuse(count, name, server):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.connect((server, 53))
    answers = timeouts = 0
    for _ in range(int(count)):
        if timeouts >= 3:  # something is wrong: say so now rather than after N timeouts
            break
        qid, q = query(name, "A")
        s.send(q)
        try:
            while struct.unpack("!H", s.recv(65535)[:2])[0] != qid:
                pass
            answers += 1
        except socket.timeout:
            timeouts += 1
    s.close()
    return "answers %d timeouts %d" % (answers, timeouts)


def starts(address, port):
    """connect() without waiting for the peer: netfence's EPERM comes at once, the rest is the network's."""
    s = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.connect((address, int(port)))
        return "ok"
    except BlockingIOError:
        return "in progress"
    except OSError as e:
        return errname(e)
    finally:
        s.close()


def dnstruncated(name, server, address, port):
    result, partial, truncated = ask(name, server, "A")
    if partial is None:
        return "udp " + result
    if not truncated:
        return "udp not truncated: %d answers" % len(partial)
    refused = sum(1 for a in partial if starts(a, port) == "error EPERM")
    result, full, _ = ask(name, server, "A", tcp=True)
    if full is None:
        return "tcp " + result
    if address not in full:
        return "tcp %d answers without %s" % (len(full), address)
    result, s = connect(address, port)
    if s:
        s.close()
    return "udp truncated %s answers refused %d; tcp %d answers; connect %s" % (
        "with" if partial else "without", refused, len(full), result)


PROBES = {"dns": dns, "dnsconnect": dnsconnect, "dnshold": dnshold, "dnsloop": dnsloop, "dnsreuse": dnsreuse,
          "dnstruncated": dnstruncated}

if __name__ == "__main__":
    print(PROBES[sys.argv[1]](*sys.argv[2:]), flush=True)
