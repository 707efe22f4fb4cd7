#!/usr/bin/env python3
"""Network probes run inside a confined cgroup (or a test netns). Each prints one result line:
  tcp ADDR PORT [TEXT]   connect (3 s), optionally send TEXT and read the echo: ok | echo TEXT | error ERRNO | timeout
  udp ADDR PORT TEXT     unconnected sendto, then wait 1 s for the echo: sent reply | sent noreply | error ERRNO
  udpc ADDR PORT TEXT    the same on a connected UDP socket
  tcp6m ADDR PORT        TCP from an AF_INET6 socket to ::ffff:ADDR (IPv4-mapped)
  udp6m ADDR PORT TEXT   unconnected UDP from an AF_INET6 socket to ::ffff:ADDR
  ping ADDR              one ICMP/ICMPv6 echo over a ping socket: reply | noreply | error ERRNO
  udp6chain SRC DST PORT N TEXT  a UDP datagram behind N IPv6 destination-options headers, built by
                         hand on a raw socket (IPv6 header included): sent | error ERRNO
  move CGROUP_PROCS       write this process into another cgroup: moved | error ERRNO
  packet IF SRCMAC DSTMAC SRC DST  an ICMP echo as a hand-built Ethernet frame on an AF_PACKET socket:
                         reply | noreply | error ERRNO
  xdp                    create an AF_XDP socket: created | error ERRNO
  tun NAME               create a tun device: created | error ERRNO
  bpf-link ID            get an fd for a BPF link by its id (what detaching it starts with): got | error ERRNO
  setns PATH INODE       enter the namespace at PATH; 'entered INODE' says which one we are in then
  ptrace PID             attach to PID with ptrace and detach again: attached | error ERRNO
  signal PID             signal 0 to PID: delivered | error ERRNO
  udpecho PORT SECONDS   echo UDP datagrams on :: (dual-stack) for SECONDS
  listen PORT SECONDS    accept TCP connections on :: for SECONDS, print 'accepted PEER' per connection
  hold ADDR PORT         connect, send 'before', then for each stdin line send it and print 'sent LINE'
  connect-from SRC ADDR PORT  TCP connect from source address SRC
  repl                   read probes from stdin, one per line, and answer each
  watch DENIED ALLOWED SECONDS  connect to loopback DENIED and ALLOWED (port 1) in turn until SECONDS pass or
                         stdin closes; print 'attempts N denied_allowed N allowed_denied N' (the violations)
Several probes may be given at once, separated by '+': tcp A 8080 + udp A 5353 x
"""
import errno
import os
import select
import socket
import struct
import sys
import time


def errname(e):
    return "error " + errno.errorcode.get(e.errno, str(e.errno))


def family(address):
    return socket.AF_INET6 if ":" in address else socket.AF_INET


def tcp(address, port, text=None, sock=None, target=None):
    s = sock or socket.socket(family(address), socket.SOCK_STREAM)
    s.settimeout(3)
    try:
        s.connect(target or (address, int(port)))
        if text is None:
            return "ok"
        s.sendall((text + "\n").encode())
        return "echo " + s.recv(4096).decode().strip()
    except socket.timeout:
        return "timeout"
    except OSError as e:
        return errname(e)


def udp(address, port, text, connected=False, sock=None, target=None):
    s = sock or socket.socket(family(address), socket.SOCK_DGRAM)
    destination = target or (address, int(port))
    try:
        if connected:
            s.connect(destination)
            s.send(text.encode())
        else:
            s.sendto(text.encode(), destination)
    except OSError as e:
        return errname(e)
    s.settimeout(1)
    try:
        s.recv(4096)
        return "sent reply"
    except socket.timeout:
        return "sent noreply"
    except OSError as e:
        return "sent " + errname(e)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def first_received(s, size, wanted, seconds=2):
    """Whether a datagram that 'wanted' accepts arrives on s within the time."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        ready, _, _ = select.select([s], [], [], deadline - time.time())
        if not ready:
            return False
        if wanted(s.recv(size)):
            return True
    return False


def ping(address):
    """A ping socket (SOCK_DGRAM): no privilege needed where net.ipv4.ping_group_range allows."""
    v6 = ":" in address
    try:
        s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_DGRAM,
                          socket.IPPROTO_ICMPV6 if v6 else socket.IPPROTO_ICMP)
        s.sendto(struct.pack("!BBHHH", 128 if v6 else 8, 0, 0, 0, 1) + b"netfence", (address, 0))
    except OSError as e:
        return errname(e)
    return "reply" if first_received(s, 4096, lambda data: data[0] == (129 if v6 else 0)) else "noreply"


def udp6chain(source, destination, port, headers, text):
    """The transport header hidden behind a chain of extension headers, to check that a packet
    the policy cannot read through is not judged by its first unread header instead."""
    src, dst = socket.inet_pton(socket.AF_INET6, source), socket.inet_pton(socket.AF_INET6, destination)
    payload = text.encode()
    length = 8 + len(payload)
    pseudo = src + dst + struct.pack("!I3xB", length, socket.IPPROTO_UDP)
    udp_header = struct.pack("!HHHH", 40000, int(port), length, 0)
    udp_checksum = checksum(pseudo + udp_header + payload) or 0xFFFF
    datagram = struct.pack("!HHHH", 40000, int(port), length, udp_checksum) + payload
    count = int(headers)
    chain = b""
    for i in range(count):
        following = 60 if i + 1 < count else socket.IPPROTO_UDP
        chain += struct.pack("!BB", following, 0) + bytes([1, 4, 0, 0, 0, 0])  # one PadN option
    first = 60 if count else socket.IPPROTO_UDP
    body = chain + datagram
    header = struct.pack("!IHBB", 6 << 28, len(body), first, 64) + src + dst
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    try:
        s.sendto(header + body, (destination, 0))
        return "sent"
    except OSError as e:
        return errname(e)


def move(procs):
    try:
        with open(procs, "w") as f:
            f.write("0")
        return "moved"
    except OSError as e:
        return errname(e)


def packet(interface, source_mac, destination_mac, source, destination):
    """An escape around every per-packet hook: cgroup_skb never sees link-layer sends."""
    try:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
        s.bind((interface, 0))
    except OSError as e:
        return errname(e)
    ident = os.getpid() & 0xFFFF
    icmp = struct.pack("!BBHHH", 8, 0, 0, ident, 1) + b"netfence"
    icmp = icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 0, 0, 64, 1, 0,
                     socket.inet_aton(source), socket.inet_aton(destination))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    mac = lambda text: bytes.fromhex(text.replace(":", ""))
    try:
        s.send(mac(destination_mac) + mac(source_mac) + b"\x08\x00" + ip + icmp)
    except OSError as e:
        return errname(e)
    def echo_reply(frame):
        packet_ip = frame[14:]
        if len(packet_ip) < 28 or packet_ip[9] != 1 or packet_ip[12:16] != socket.inet_aton(destination):
            return False
        reply = packet_ip[(packet_ip[0] & 0x0F) * 4:]
        return reply[0] == 0 and struct.unpack("!H", reply[4:6])[0] == ident
    return "reply" if first_received(s, 2048, echo_reply) else "noreply"


def xdp():
    try:
        socket.socket(44, socket.SOCK_RAW, 0).close()
        return "created"
    except OSError as e:
        return errname(e)


def tun(name):
    import fcntl
    try:
        fd = os.open("/dev/net/tun", os.O_RDWR)
    except OSError as e:
        return errname(e)
    try:
        fcntl.ioctl(fd, 0x400454CA, struct.pack("16sH", name.encode(), 0x0001 | 0x1000))  # TUNSETIFF, IFF_TUN|IFF_NO_PI
        return "created"
    except OSError as e:
        return errname(e)
    finally:
        os.close(fd)


def libc():
    import ctypes
    return ctypes.CDLL(None, use_errno=True)


def bpf_link(link_id):
    import ctypes
    attr = struct.pack("<IIII", int(link_id), 0, 0, 0) + bytes(112)  # bpf_attr.link_id, next_id, open_flags
    buffer = ctypes.create_string_buffer(attr, len(attr))
    c = libc()
    fd = c.syscall(321, 30, buffer, len(attr))  # SYS_bpf, BPF_LINK_GET_FD_BY_ID
    if fd < 0:
        return errname(OSError(ctypes.get_errno(), ""))
    os.close(fd)
    return "got"


def setns(path, host_inode):
    c = libc()
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as e:
        return errname(e)
    if c.setns(fd, 0) != 0:
        import ctypes
        return errname(OSError(ctypes.get_errno(), ""))
    kind = path.rsplit("/", 1)[1]
    inode = os.stat("/proc/self/ns/" + kind).st_ino
    return "entered " + ("host" if str(inode) == host_inode else "other")


def ptrace(pid):
    import ctypes
    c = libc()
    if c.ptrace(16, int(pid), None, None) != 0:  # PTRACE_ATTACH
        return errname(OSError(ctypes.get_errno(), ""))
    os.waitpid(int(pid), 0)
    c.ptrace(17, int(pid), None, None)  # PTRACE_DETACH
    return "attached"


def signal_probe(pid):
    try:
        os.kill(int(pid), 0)
        return "delivered"
    except OSError as e:
        return errname(e)


def udpecho(port, seconds):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", int(port)))
    deadline = time.time() + float(seconds)
    while time.time() < deadline:
        s.settimeout(max(0.05, deadline - time.time()))
        try:
            data, peer = s.recvfrom(4096)
            s.sendto(data, peer)
        except socket.timeout:
            pass
    return "done"


def listen(port, seconds):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", int(port)))
    s.listen(16)
    print("listening", flush=True)
    deadline = time.time() + float(seconds)
    while time.time() < deadline:
        s.settimeout(max(0.05, deadline - time.time()))
        try:
            c, peer = s.accept()
            print("accepted " + peer[0].removeprefix("::ffff:"), flush=True)
            c.close()
        except socket.timeout:
            pass
    print("done", flush=True)


def hold(address, port):
    s = socket.create_connection((address, int(port)), timeout=3)
    s.sendall(b"before\n")
    print("connected", flush=True)
    for line in sys.stdin:
        line = line.strip()
        try:
            s.sendall((line + "\n").encode())
            print("sent " + line, flush=True)
        except OSError as e:
            print(errname(e), flush=True)


def main(argv):
    command, args = argv[0], argv[1:]
    if command == "tcp":
        return tcp(*args)
    if command == "udp":
        return udp(*args)
    if command == "udpc":
        return udp(*args, connected=True)
    if command == "tcp6m":
        return tcp(args[0], args[1], sock=socket.socket(socket.AF_INET6, socket.SOCK_STREAM),
                   target=("::ffff:" + args[0], int(args[1])))
    if command == "udp6m":
        return udp(args[0], args[1], args[2], sock=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM),
                   target=("::ffff:" + args[0], int(args[1])))
    if command == "ping":
        return ping(*args)
    if command == "move":
        return move(*args)
    if command == "packet":
        return packet(*args)
    if command == "xdp":
        return xdp()
    if command == "tun":
        return tun(*args)
    if command == "bpf-link":
        return bpf_link(*args)
    if command == "setns":
        return setns(*args)
    if command == "ptrace":
        return ptrace(*args)
    if command == "signal":
        return signal_probe(*args)
    if command == "udp6chain":
        return udp6chain(*args)
    if command == "udpecho":
        return udpecho(*args)
    if command == "listen":
        return listen(*args)
    if command == "hold":
        return hold(*args)
    if command == "watch":
        return watch(*args)
    if command == "connect-from":
        s = socket.socket(family(args[1]), socket.SOCK_STREAM)
        s.bind((args[0], 0))
        return tcp(args[1], args[2], sock=s)
    raise SystemExit("unknown probe " + command)


def watch(denied, allowed, seconds):
    """Every connect to DENIED must fail with EPERM, every connect to ALLOWED must reach the
    (closed) port and be refused; anything else is a violation of the policy in force."""
    attempts = denied_allowed = allowed_denied = 0
    print("watching", flush=True)
    deadline = time.time() + float(seconds)
    stop = os.environ.get("NFT_WATCH_STOP")
    while time.time() < deadline and not (stop and os.path.exists(stop)):
        for address, must_be_denied in ((denied, True), (allowed, False)):
            s = socket.socket()
            s.settimeout(2)
            try:
                s.connect((address, 1))
                outcome = "connected"
            except socket.timeout:
                outcome = "timeout"
            except OSError as e:
                outcome = errno.errorcode.get(e.errno, str(e.errno))
            finally:
                s.close()
            attempts += 1
            if must_be_denied and outcome != "EPERM":
                denied_allowed += 1
            if not must_be_denied and outcome == "EPERM":
                allowed_denied += 1
    print(f"attempts {attempts} denied_allowed {denied_allowed} allowed_denied {allowed_denied}", flush=True)


def repl():
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip():
            print(main(line.split()), flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["repl"]:
        repl()
    else:
        probe = []
        for word in sys.argv[1:] + ["+"]:
            if word != "+":
                probe.append(word)
                continue
            result = main(probe)
            if result is not None:
                print(result, flush=True)
            probe = []
