package io.netfence.agent.datapath.abi;

/** Constants of bpf/include/netfence_abi.h, by value (never by ordinal). */
public final class Abi {
    public static final int VERSION = 5;

    public static final int DENY = 0;
    public static final int ALLOW = 1;
    public static final int RULE_ALLOW_OWN = 2;

    public static final int FAMILY_NONE = 0;
    public static final int FAMILY_IPV4 = 4;
    public static final int FAMILY_IPV6 = 6;

    public static final int PROTO_TCP = 1;
    public static final int PROTO_UDP = 2;
    public static final int PROTO_ICMP = 4;
    public static final int PROTO_OTHER = 8;
    public static final int PROTO_ANY = 15;

    public static final int HOOK_CONNECT = 1;
    public static final int HOOK_SENDMSG = 2;
    public static final int HOOK_EGRESS = 3;
    public static final int HOOK_INGRESS = 4;
    public static final int HOOK_SOCK_CREATE = 5;
    public static final int HOOK_DNS = 6;

    public static final int AF_PACKET = 17;
    public static final int AF_XDP = 44;

    public static final int RULE_KEY_FIXED_BITS = 64;
    public static final int PORTLIST_MAX = 32;
    public static final int RECENT_MAX = 4;
    public static final int RULESET_DENY_ALL = 0;
    public static final int RULESET_HAS_HOSTS = 0x40000000;
    public static final int POLICY_AUDIT = 1;
    public static final int POLICY_PACKET_SOCKETS = 2;
    public static final int POLICY_NAMES_EGRESS = 4;
    public static final int POLICY_NAMES_INGRESS = 8;
    public static final int LEARNED_NO_VERDICT = 3;
    public static final int DNS_PORT = 53;
    public static final int STEER_INDEX_MASK = 0xffffff;
    public static final int PROXY_MARK = 0x6e660000;
    public static final int SCOPE_DEPTH = 4;
    public static final int POLICY_LEARN = 16;
    public static final int FLOW_EPHEMERAL_MIN = 32768;
    public static final int FLOW_EPHEMERAL = 1;
    public static final int FLOW_OWN = 2;
    public static final int FLOWS_MAX = 65536;

    /** Map names in the object, also the names of their pins. */
    public static final String MAP_RULES = "nf_rules";
    public static final String MAP_HOSTS = "nf_hosts";
    public static final String MAP_PORTLISTS = "nf_portlists";
    public static final String MAP_CG_POLICY = "nf_cg_policy";
    public static final String MAP_CG_STATS = "nf_cg_stats";
    public static final String MAP_RULESETS = "nf_rulesets";
    public static final String MAP_META = "nf_meta";
    public static final String MAP_EVENTS = "nf_events";
    public static final String MAP_RATELIMIT = "nf_ratelimit";
    public static final String MAP_COUNTERS = "nf_counters";
    public static final String MAP_SK_SCOPES = "nf_sk_scopes";
    public static final String MAP_FLOWS = "nf_flows";
    public static final String MAP_LEARNED = "nf_learned";
    public static final String MAP_DNS_STEER = "nf_dns_steer";

    /** Indexes of nf_counters. */
    public static final int COUNTER_EVENTS_SENT = 0;
    public static final int COUNTER_EVENTS_SUPPRESSED = 1;
    public static final int COUNTER_EVENTS_LOST = 2;

    private Abi() {}
}
