package io.netfence.agent.api;

/** Who is on the other end of a unix socket connection, as the kernel says (SO_PEERCRED). */
public record Peer(long pid, int uid, int gid) {}
