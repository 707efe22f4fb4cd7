#!/usr/bin/env python3
"""A test host inside a network namespace: TCP echo servers and a UDP echo server, dual-stack.
Every connection and datagram is appended to the log file given as the first argument, one line
each: 'tcp-accept PORT PEER', 'tcp-data PORT PEER TEXT', 'udp PORT PEER TEXT'."""
import socket
import sys
import threading

log = open(sys.argv[1], "a", buffering=1)
tcp_ports = [int(p) for p in sys.argv[2].split(",")]
udp_ports = [int(p) for p in sys.argv[3].split(",")]
lock = threading.Lock()


def note(line):
    with lock:
        log.write(line + "\n")
        log.flush()


def peer_name(address):
    return address[0].removeprefix("::ffff:")


def dual_stack(kind):
    s = socket.socket(socket.AF_INET6, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    return s


def serve_tcp_connection(connection, port, peer):
    note(f"tcp-accept {port} {peer}")
    with connection:
        while True:
            data = connection.recv(4096)
            if not data:
                return
            for line in data.decode(errors="replace").splitlines():
                note(f"tcp-data {port} {peer} {line}")
            connection.sendall(data)


def tcp_server(port):
    s = dual_stack(socket.SOCK_STREAM)
    s.bind(("::", port))
    s.listen(128)
    while True:
        connection, address = s.accept()
        threading.Thread(target=serve_tcp_connection, args=(connection, port, peer_name(address)), daemon=True).start()


def udp_server(port):
    s = dual_stack(socket.SOCK_DGRAM)
    s.bind(("::", port))
    while True:
        data, address = s.recvfrom(4096)
        note(f"udp {port} {peer_name(address)} {data.decode(errors='replace').strip()}")
        s.sendto(data, address)


for p in tcp_ports:
    threading.Thread(target=tcp_server, args=(p,), daemon=True).start()
for p in udp_ports:
    threading.Thread(target=udp_server, args=(p,), daemon=True).start()
note("ready")
threading.Event().wait()
