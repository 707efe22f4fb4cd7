package io.netfence.agent.datapath.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Mirror of {@code struct nf_cg_policy}: the policies in force on a cgroup, all of which must
 * allow, the scope its sockets are tagged with for own-loopback rules, and the port of the DNS
 * proxy its queries are steered to (0: none).
 */
public record CgroupPolicy(List<PolicySlot> slots, int scope, int dnsPort) {
    public static final int SIZE = 80;
    public static final int OFFSET_SLOTS = 0;
    public static final int OFFSET_SCOPE = 4;
    public static final int OFFSET_SLOT = 8;
    public static final int OFFSET_DNS_PORT = 72;
    public static final int MAX_SLOTS = 4;

    public CgroupPolicy {
        if (slots.isEmpty() || slots.size() > MAX_SLOTS) {
            throw new IllegalArgumentException("a cgroup takes 1 to " + MAX_SLOTS + " policies, not " + slots.size());
        }
        slots = List.copyOf(slots);
        if (dnsPort < 0 || dnsPort > 65535) {
            throw new IllegalArgumentException("DNS proxy port " + dnsPort + " is out of range");
        }
    }

    public CgroupPolicy(List<PolicySlot> slots, int scope) {
        this(slots, scope, 0);
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());
        b.putInt(slots.size()).putInt(scope);
        slots.forEach(slot -> slot.encode(b));
        b.position(OFFSET_DNS_PORT);
        b.putInt(dnsPort);
        return b.array();
    }

    /** The scope of a cgroup: the low 32 bits of its id, its kernfs inode number, unique among live cgroups. */
    public static int scopeOf(long cgroupId) {
        return (int) cgroupId;
    }

    /** Decodes a value; a zeroed one (nothing written yet) has no slots and yields an empty list. */
    public static List<PolicySlot> decodeSlots(byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
        int count = Math.min(b.getInt(), MAX_SLOTS);
        b.position(OFFSET_SLOT);
        List<PolicySlot> slots = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            slots.add(PolicySlot.decode(b));
        }
        return slots;
    }
}
