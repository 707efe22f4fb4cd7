package io.netfence.agent.policy;

/** An inclusive range of TCP/UDP ports, 1..65535. */
public record PortRange(int from, int to) {
    public static final int MAX = 65535;

    public PortRange {
        if (from < 1 || to > MAX || from > to) {
            throw new IllegalArgumentException("invalid port range " + from + "-" + to);
        }
    }

    public boolean contains(int port) {
        return port >= from && port <= to;
    }

    @Override
    public String toString() {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
