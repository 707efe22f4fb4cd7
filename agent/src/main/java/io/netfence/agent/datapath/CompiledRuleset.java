package io.netfence.agent.datapath;

import io.netfence.agent.policy.IpPrefix;
import io.netfence.agent.policy.Verdict;
import java.util.List;

/**
 * One direction of a policy in the shape the kernel looks it up: one entry per distinct prefix
 * (the longest match decides), each with its fallback verdict and, where port or protocol rules
 * apply, a list of them in decision order. The entries are held in columns ({@link PrefixEntries}).
 */
public record CompiledRuleset(PrefixEntries entries, List<PortList> portLists, NameTable names) {

    public CompiledRuleset(PrefixEntries entries, List<PortList> portLists) {
        this(entries, portLists, NameTable.EMPTY);
    }

    /** @param portList 0 for none, else the 1-based index into {@link #portLists()} */
    public record Entry(IpPrefix prefix, Verdict fallback, int portList) {}

    /** A conditional rule as the kernel walks it: protocols as NF_PROTO_* bits, inclusive ports. */
    public record PortRule(int portFrom, int portTo, int protocolBits, Verdict verdict) {}

    public record PortList(List<PortRule> rules) {}
}
