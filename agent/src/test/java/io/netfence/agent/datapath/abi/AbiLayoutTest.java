package io.netfence.agent.datapath.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netfence.loader.Btf;
import io.netfence.loader.Btf.StructLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Java mirrors against the BTF of the object that ships in the jar (cilium's alignchecker idea). */
class AbiLayoutTest {
    private static Path object;
    private static Btf btf;

    @BeforeAll
    static void readObject() throws IOException {
        object = Files.createTempFile("netfence", ".bpf.o");
        try (InputStream in = AbiLayoutTest.class.getResourceAsStream("/io/netfence/bpf/netfence.bpf.o")) {
            Files.write(object, in.readAllBytes());
        }
        btf = Btf.parseElf(object.toString());
    }

    @AfterAll
    static void close() throws IOException {
        btf.close();
        Files.deleteIfExists(object);
    }

    private static void assertLayout(String struct, int size, Object... memberOffsets) throws IOException {
        StructLayout layout = btf.struct(struct);
        Map<String, Integer> expected = new LinkedHashMap<>();
        for (int i = 0; i < memberOffsets.length; i += 2) {
            expected.put((String) memberOffsets[i], (Integer) memberOffsets[i + 1]);
        }
        assertEquals(size, layout.size(), struct + " size");
        assertEquals(expected, layout.offsets(), struct + " member offsets");
    }

    @Test
    void ruleKey() throws IOException {
        assertLayout("nf_rule_key", RuleKey.SIZE, "prefixlen", RuleKey.OFFSET_PREFIXLEN, "ruleset", RuleKey.OFFSET_RULESET,
                "family", RuleKey.OFFSET_FAMILY, "addr", RuleKey.OFFSET_ADDR);
    }

    @Test
    void hostKey() throws IOException {
        assertLayout("nf_host_key", HostKey.SIZE, "ruleset", HostKey.OFFSET_RULESET, "family", HostKey.OFFSET_FAMILY,
                "addr", HostKey.OFFSET_ADDR);
    }

    @Test
    void ruleValue() throws IOException {
        assertLayout("nf_rule_value", RuleValue.SIZE, "verdict", RuleValue.OFFSET_VERDICT, "pad", 1,
                "portlist", RuleValue.OFFSET_PORTLIST);
    }

    @Test
    void portLists() throws IOException {
        assertLayout("nf_portlist_key", PortListKey.SIZE, "ruleset", PortListKey.OFFSET_RULESET, "index", PortListKey.OFFSET_INDEX);
        assertLayout("nf_portlist", PortListValue.SIZE, "count", PortListValue.OFFSET_COUNT, "pad", 4,
                "rules", PortListValue.OFFSET_RULES);
        assertLayout("nf_port_rule", PortListValue.PORT_RULE_SIZE, "port_lo", PortListValue.PORT_RULE_OFFSET_PORT_LO,
                "port_hi", PortListValue.PORT_RULE_OFFSET_PORT_HI, "protos", PortListValue.PORT_RULE_OFFSET_PROTOS,
                "verdict", PortListValue.PORT_RULE_OFFSET_VERDICT, "pad", 6);
    }

    @Test
    void cgroupPolicyAndStats() throws IOException {
        assertLayout("nf_cg_policy", CgroupPolicy.SIZE, "slots", CgroupPolicy.OFFSET_SLOTS, "scope", CgroupPolicy.OFFSET_SCOPE,
                "slot", CgroupPolicy.OFFSET_SLOT, "dns_port", CgroupPolicy.OFFSET_DNS_PORT, "pad", 76);
        assertLayout("nf_policy_slot", PolicySlot.SIZE, "egress_ruleset", PolicySlot.OFFSET_EGRESS_RULESET,
                "ingress_ruleset", PolicySlot.OFFSET_INGRESS_RULESET, "policy_id", PolicySlot.OFFSET_POLICY_ID,
                "flags", PolicySlot.OFFSET_FLAGS);
        assertEquals(CgroupPolicy.OFFSET_DNS_PORT, CgroupPolicy.OFFSET_SLOT + CgroupPolicy.MAX_SLOTS * PolicySlot.SIZE);
        assertLayout("nf_cg_stats", CgroupStats.SIZE, "allowed_packets", CgroupStats.OFFSET_ALLOWED_PACKETS,
                "allowed_bytes", CgroupStats.OFFSET_ALLOWED_BYTES, "denied_packets", CgroupStats.OFFSET_DENIED_PACKETS,
                "denied_bytes", CgroupStats.OFFSET_DENIED_BYTES, "denied_calls", CgroupStats.OFFSET_DENIED_CALLS,
                "denials", CgroupStats.OFFSET_DENIALS, "recent", CgroupStats.OFFSET_RECENT,
                "audited_packets", CgroupStats.OFFSET_AUDITED_PACKETS, "audited_calls", CgroupStats.OFFSET_AUDITED_CALLS,
                "denied_sockets", CgroupStats.OFFSET_DENIED_SOCKETS, "audited_sockets", CgroupStats.OFFSET_AUDITED_SOCKETS);
        assertLayout("nf_flow", Flow.SIZE, "addr", Flow.OFFSET_ADDR, "port", Flow.OFFSET_PORT, "family", Flow.OFFSET_FAMILY,
                "protocol", Flow.OFFSET_PROTOCOL, "hook", Flow.OFFSET_HOOK, "pad", 21);
    }

    @Test
    void events() throws IOException {
        assertLayout("nf_event", Event.SIZE, "timestamp_ns", Event.OFFSET_TIMESTAMP_NS, "cgroup_id", Event.OFFSET_CGROUP_ID,
                "pid", Event.OFFSET_PID, "policy_id", Event.OFFSET_POLICY_ID, "suppressed", Event.OFFSET_SUPPRESSED,
                "audit", Event.OFFSET_AUDIT, "direction", Event.OFFSET_DIRECTION, "pad", 30, "comm", Event.OFFSET_COMM,
                "flow", Event.OFFSET_FLOW);
    }

    @Test
    void names() throws IOException {
        assertLayout("nf_learned_key", LearnedKey.SIZE, "scope", LearnedKey.OFFSET_SCOPE, "ruleset", LearnedKey.OFFSET_RULESET,
                "family", LearnedKey.OFFSET_FAMILY, "addr", LearnedKey.OFFSET_ADDR);
        assertLayout("nf_learned_value", LearnedValue.SIZE, "expires_ns", LearnedValue.OFFSET_EXPIRES_NS,
                "portlist", LearnedValue.OFFSET_PORTLIST, "verdict", LearnedValue.OFFSET_VERDICT, "pad", 13);
        assertLayout("nf_dns_steer", DnsSteer.SIZE, "addr", DnsSteer.OFFSET_ADDR, "port", DnsSteer.OFFSET_PORT,
                "family", DnsSteer.OFFSET_FAMILY, "protocol", DnsSteer.OFFSET_PROTOCOL, "proxy_port", DnsSteer.OFFSET_PROXY_PORT,
                "pad", 22, "scope", DnsSteer.OFFSET_SCOPE, "pid", DnsSteer.OFFSET_PID, "cgroup_id", DnsSteer.OFFSET_CGROUP_ID);
    }

    @Test
    void bookkeeping() throws IOException {
        assertLayout("nf_ruleset_info", RulesetInfo.SIZE, "owner", RulesetInfo.OFFSET_OWNER,
                "entries", RulesetInfo.OFFSET_ENTRIES, "portlists", RulesetInfo.OFFSET_PORTLISTS);
        assertLayout("nf_sk_scopes", 4 * Abi.SCOPE_DEPTH, "scope", 0);
        assertLayout("nf_flow_key", FlowKey.SIZE, "scope", FlowKey.OFFSET_SCOPE, "policy_id", FlowKey.OFFSET_POLICY_ID,
                "addr", FlowKey.OFFSET_ADDR, "port", FlowKey.OFFSET_PORT, "family", FlowKey.OFFSET_FAMILY,
                "protocol", FlowKey.OFFSET_PROTOCOL, "direction", FlowKey.OFFSET_DIRECTION, "flags", FlowKey.OFFSET_FLAGS,
                "pad", 30);
        assertLayout("nf_flow_value", FlowValue.SIZE, "packets", FlowValue.OFFSET_PACKETS, "bytes", FlowValue.OFFSET_BYTES,
                "first_ns", FlowValue.OFFSET_FIRST_NS, "last_ns", FlowValue.OFFSET_LAST_NS, "denied", FlowValue.OFFSET_DENIED);
        assertLayout("nf_meta", Meta.SIZE, "abi_version", Meta.OFFSET_ABI_VERSION, "pad", 4,
                "object_sha256", Meta.OFFSET_OBJECT_SHA256);
    }
}
