/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The ABI between netfence's BPF programs and the Java agent.
 *
 * Every struct here is mirrored once in Java, in io.netfence.agent.datapath.abi; AbiLayoutTest
 * compares the Java sizes and offsets with this object's BTF. Layouts only grow at the end and
 * every change bumps NF_ABI_VERSION, which is part of the bpffs pin path, so an agent never
 * writes a map whose layout it does not know.
 *
 * The decision, per packet or per connect()/sendmsg():
 *   1. The kernel runs the programs attached to the socket's cgroup and to each of its ancestors;
 *      each one reads the policy of the cgroup it is attached to from nf_cg_policy (cgroup storage
 *      is per attachment point). All of them must allow: confinement only narrows.
 *   2. The policy names one ruleset per direction. For a ruleset with exact hosts, one lookup in
 *      nf_hosts (a hash over ruleset, family and address) finds a host entry, the longest
 *      prefix there is; otherwise one lookup in nf_rules (an LPM trie over ruleset, family and
 *      address) finds the longest matching prefix.
 *   3. If that entry has a port list, the first port/protocol rule matching the packet decides;
 *      otherwise (or if none matches) the entry's own verdict does. The agent compiles the port
 *      lists so that walking them in order is the policy's "most specific rule wins" order.
 *   4. No entry matched: allowed.
 */
#ifndef __NETFENCE_ABI_H
#define __NETFENCE_ABI_H

#include <linux/types.h>

/*
 * Bump on any layout or meaning change below; it is part of the pin path
 * (/sys/fs/bpf/netfence/v4), so programs of another version are never fed maps they misread.
 * v2: own-loopback verdicts and socket scopes, packet-socket policy, sock_create counters.
 * v3: flow recording for learn mode (NF_POLICY_LEARN, nf_flows).
 * v4: learned addresses and DNS steering for name rules (nf_learned, nf_dns_steer, nf_cg_policy.dns_port, NF_POLICY_NAMES_*)
 * v5: exact hosts in the hash map nf_hosts (NF_RULESET_HAS_HOSTS); a flow recorded under every
 *     learning slot; nested DNS proxies pass outer name policies (NF_PROXY_MARK)
 */
#define NF_ABI_VERSION 5

/* Return values of cgroup hooks. */
enum nf_verdict {
	NF_DENY = 0,
	NF_ALLOW = 1,
};

/*
 * Verdicts of rule entries and port rules. NF_RULE_ALLOW_OWN allows a loopback destination only
 * when the socket there belongs to the same confinement (its creator ran under the same policy
 * attachment, see nf_sk_scopes): "loopback to my own processes". Port rules never carry it.
 */
#define NF_RULE_ALLOW_OWN 2

/*
 * Address families as stored in keys (not AF_*: a key says 4 or 6 whatever the socket was).
 * NF_FAMILY_NONE is a flow without an address: a packet or XDP socket being created, whose
 * socket family (AF_PACKET 17, AF_XDP 44) is then in the flow's protocol field.
 */
enum nf_family {
	NF_FAMILY_NONE = 0,
	NF_FAMILY_IPV4 = 4,
	NF_FAMILY_IPV6 = 6,
};

/* Protocol classes as a bit set, so a rule matches several at once. */
enum nf_proto_bit {
	NF_PROTO_TCP = 1,
	NF_PROTO_UDP = 2,
	NF_PROTO_ICMP = 4,	/* ICMP for IPv4, ICMPv6 for IPv6 */
	NF_PROTO_OTHER = 8,
	NF_PROTO_ANY = 15,
};

/* Where a decision was made. */
enum nf_hook {
	NF_HOOK_CONNECT = 1,	/* cgroup/connect4, cgroup/connect6 */
	NF_HOOK_SENDMSG = 2,	/* cgroup/sendmsg4, cgroup/sendmsg6 */
	NF_HOOK_EGRESS = 3,	/* cgroup_skb/egress */
	NF_HOOK_INGRESS = 4,	/* cgroup_skb/ingress */
	NF_HOOK_SOCK_CREATE = 5,	/* lsm_cgroup/socket_create: a packet or XDP socket */
	NF_HOOK_DNS = 6,		/* never from the kernel: a lookup netfence's DNS proxy refused */
};

enum nf_direction {
	NF_DIR_EGRESS = 0,
	NF_DIR_INGRESS = 1,
};

/*
 * Key of nf_rules (LPM trie, BPF_F_NO_PREALLOC).
 *   prefixlen  host order; NF_RULE_KEY_FIXED_BITS + the CIDR length. ruleset and family are
 *              therefore always matched exactly, and a v4 rule can never match a v6 address.
 *   ruleset    host order; which ruleset (one per policy and direction) the entry belongs to.
 *   family     host order; NF_FAMILY_IPV4 or NF_FAMILY_IPV6.
 *   addr       network order; IPv4 in the first 4 bytes, the rest zero.
 * Example: ruleset 7 denies 198.18.0.0/15 ->
 *   { .prefixlen = 64 + 15, .ruleset = 7, .family = 4, .addr = { 198, 18, 0, 0, 0 ... } }
 */
struct nf_rule_key {
	__u32 prefixlen;
	__u32 ruleset;
	__u32 family;
	__u8 addr[16];
};
#define NF_RULE_KEY_FIXED_BITS 64

/*
 * Key of nf_hosts (hash, BPF_F_NO_PREALLOC): the /32 and /128 entries of rulesets whose id has
 * NF_RULESET_HAS_HOSTS, as nf_rule_key without the prefix length (a hash inserts, batched, many
 * times faster than the trie; host lists are what large policies are made of). Value: struct
 * nf_rule_value. Such a ruleset's other entries stay in nf_rules.
 */
struct nf_host_key {
	__u32 ruleset;
	__u32 family;
	__u8 addr[16];
};
/* A ruleset id with this bit has host entries in nf_hosts: the id itself says so, in every slot that names it. */
#define NF_RULESET_HAS_HOSTS 0x40000000u

/*
 * Value of nf_rules.
 *   verdict   NF_ALLOW or NF_DENY: the decision when no port rule of the list matches.
 *   portlist  0: no list. Otherwise the index of a list in nf_portlists under this ruleset.
 */
struct nf_rule_value {
	__u8 verdict;
	__u8 pad[3];
	__u32 portlist;
};

/* Key of nf_portlists (hash): lists belong to a ruleset and are removed with it. */
struct nf_portlist_key {
	__u32 ruleset;
	__u32 index;
};

/*
 * One port/protocol rule. Ports are host order and inclusive; a rule without a port has
 * 0..65535. Packets without ports (ICMP, non-first fragments) have port 0, and rules with a port
 * only ever carry TCP/UDP protocol bits, so they cannot match them.
 *   For egress the port is the destination port; for ingress it is the local port (the
 *   service the peer reaches), so "allow 198.18.0.0/15:22/tcp" on ingress admits SSH from there.
 */
struct nf_port_rule {
	__u16 port_lo;
	__u16 port_hi;
	__u8 protos;	/* enum nf_proto_bit set */
	__u8 verdict;
	__u16 pad;
};

#define NF_PORTLIST_MAX 32

/* Rules in decision order: the first that matches decides. */
struct nf_portlist {
	__u32 count;
	__u32 pad;
	struct nf_port_rule rules[NF_PORTLIST_MAX];
};

/* One policy applied to a cgroup: its ruleset per direction. */
struct nf_policy_slot {
	__u32 egress_ruleset;
	__u32 ingress_ruleset;
	__u32 policy_id;	/* the agent's name for the policy, reported with denials */
	__u32 flags;		/* NF_POLICY_* */
};
#define NF_POLICY_AUDIT 1		/* count would-be denials, block nothing */
#define NF_POLICY_PACKET_SOCKETS 2	/* AF_PACKET and AF_XDP sockets may be created */
#define NF_POLICY_NAMES_EGRESS 4	/* egress has name rules: consult nf_learned before nf_rules */
#define NF_POLICY_NAMES_INGRESS 8	/* the same for ingress */
#define NF_RULESET_DENY_ALL 0

#define NF_POLICY_SLOTS 4

/*
 * Per-cgroup policies: BPF_MAP_TYPE_CGROUP_STORAGE keyed by the cgroup id (u64, shared by all
 * hooks of the cgroup). Every slot in use must allow; a denying slot in audit mode only counts.
 * The kernel creates the storage zeroed when the first program is attached, so a cgroup whose
 * policy the agent has not written yet has no slot in use, which denies everything: netfence
 * fails closed.
 *   slots  how many of slot[] are in use, 1..NF_POLICY_SLOTS; 0 denies everything
 *   scope     what sockets created under this attachment are tagged with (nf_sk_scopes); 0: none
 *   dns_port  host order; the loopback port of the netfence DNS proxy that answers this
 *             attachment's DNS queries when a slot has name rules; 0: queries are not steered
 */
struct nf_cg_policy {
	__u32 slots;
	__u32 scope;	/* names this attachment among the live ones (the cgroup's inode number) */
	struct nf_policy_slot slot[NF_POLICY_SLOTS];
	__u32 dns_port;
	__u32 pad;
};

/*
 * A flow as seen at a hook. addr is the remote address (destination on egress, peer on
 * ingress), port is the remote port on egress and the local port on ingress (host order).
 */
struct nf_flow {
	__u8 addr[16];
	__u16 port;
	__u8 family;		/* enum nf_family */
	__u8 protocol;		/* IPPROTO_* */
	__u8 hook;		/* enum nf_hook */
	__u8 pad[3];
};

#define NF_RECENT_MAX 4

/*
 * Per-cgroup, per-CPU counters: BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE keyed by cgroup id. Summed
 * over CPUs they are exact; they live as long as the cgroup has netfence programs attached.
 *   *_packets/_bytes  indexed by enum nf_direction, counted by cgroup_skb programs
 *   *_calls           indexed by hook - 1 for NF_HOOK_CONNECT and NF_HOOK_SENDMSG
 *   denials           every denial (audited ones too) on this CPU; the first NF_RECENT_MAX are
 *                     kept in recent[]
 *   audited_*         would-be denials of policies in audit mode, which let the traffic pass
 *                     (they are counted as allowed too)
 *   *_sockets         packet and XDP sockets a policy refused (or, audited, would have)
 */
struct nf_cg_stats {
	__u64 allowed_packets[2];
	__u64 allowed_bytes[2];
	__u64 denied_packets[2];
	__u64 denied_bytes[2];
	__u64 denied_calls[2];
	__u64 denials;
	struct nf_flow recent[NF_RECENT_MAX];
	__u64 audited_packets[2];
	__u64 audited_calls[2];
	__u64 denied_sockets;	/* packet and XDP sockets refused (NF_HOOK_SOCK_CREATE) */
	__u64 audited_sockets;
};

/*
 * A denial as the agent receives it from nf_events (BPF_MAP_TYPE_RINGBUF). At most one event per
 * cgroup and flow is sent per NF_EVENT_INTERVAL_NS; the next one says how many were left out.
 *   timestamp_ns  bpf_ktime_get_ns(): CLOCK_MONOTONIC
 *   cgroup_id     the cgroup of the denied process (connect/sendmsg) or socket (packets)
 *   pid, comm     the process; 0 and empty at packet hooks, which run without process context
 *   policy_id     the first slot's policy that denied
 *   suppressed    events for this cgroup and flow the rate limit left out since the last one
 *   audit         1 when only audit-mode policies denied: the traffic passed
 */
struct nf_event {
	__u64 timestamp_ns;
	__u64 cgroup_id;
	__u32 pid;
	__u32 policy_id;
	__u32 suppressed;
	__u8 audit;
	__u8 direction;		/* enum nf_direction */
	__u8 pad[2];
	char comm[16];
	struct nf_flow flow;
};

#define NF_EVENT_INTERVAL_NS 1000000000ULL

/* Key of nf_ratelimit (LRU hash): one cgroup's flow. */
struct nf_ratelimit_key {
	__u64 cgroup_id;
	struct nf_flow flow;
};

struct nf_ratelimit_value {
	__u64 last_sent_ns;
	__u32 suppressed;
	__u32 pad;
};

/* Indexes of nf_counters (per-CPU array of __u64): what became of each denial's event. */
enum nf_counter {
	NF_COUNTER_EVENTS_SENT = 0,
	NF_COUNTER_EVENTS_SUPPRESSED = 1,	/* left out by the rate limit (counted in a later event) */
	NF_COUNTER_EVENTS_LOST = 2,		/* the ring buffer was full */
	NF_COUNTERS = 3,
};

/*
 * Bookkeeping for the agent only (no program reads it): which rulesets exist, so that
 * concurrent netfence processes allocate distinct ids and orphans can be collected.
 *   owner  the cgroup id for rulesets of 'netfence attach' and 'run'; for the agent's,
 *          NF_OWNER_AGENT | the agent's pid (the agent shares one ruleset among its cgroups)
 */
#define NF_OWNER_AGENT (1ULL << 63)
struct nf_ruleset_info {
	__u64 owner;
	__u32 entries;		/* keys written to nf_rules */
	__u32 portlists;	/* lists written to nf_portlists */
};

#define NF_SCOPE_DEPTH 4

/*
 * Value of nf_sk_scopes (socket storage, cloned to accepted sockets): the scopes of the netfence
 * attachments the socket's creator ran under, innermost first, 0 for unused. A socket counts as
 * "own" for a policy whose nf_cg_policy.scope is among them. Nested deeper than NF_SCOPE_DEPTH,
 * the outer attachments are not recorded: their own-loopback rules then refuse it (fail closed).
 */
struct nf_sk_scopes {
	__u32 scope[NF_SCOPE_DEPTH];
};

/*
 * Name rules. An address the netfence DNS proxy learned from an answer to one attachment's query
 * (key of nf_learned, LRU hash) counts as a host rule (/32, /128) of the name rule that allowed or
 * denied the name, for that attachment (scope) and ruleset only. It is consulted before nf_rules
 * only by slots with NF_POLICY_NAMES_*.
 *   scope     nf_cg_policy.scope of the attachment whose process asked
 *   ruleset   the slot's ruleset (one per policy and direction)
 *   family    NF_FAMILY_IPV4 or NF_FAMILY_IPV6; addr network order, IPv4 in the first 4 bytes
 */
struct nf_learned_key {
	__u32 scope;
	__u32 ruleset;
	__u32 family;
	__u8 addr[16];
};

/*
 * Value of nf_learned.
 *   expires_ns  bpf_ktime_get_ns() (CLOCK_MONOTONIC) after which connect() and sendmsg() no longer
 *               take the entry into account; packets of TCP and UDP flows still do (a connection
 *               opened while the address was allowed keeps working), other packets do not
 *   portlist    0 or a list in nf_portlists under the key's ruleset, walked first
 *   verdict     NF_ALLOW, NF_DENY, or NF_LEARNED_NO_VERDICT: the name rule only has port rules,
 *               so when none matches, nf_rules decides as if nothing had been learned
 */
struct nf_learned_value {
	__u64 expires_ns;
	__u32 portlist;
	__u8 verdict;
	__u8 pad[3];
};
#define NF_LEARNED_NO_VERDICT 3

/*
 * DNS steering: a query (TCP or UDP to port 53) of an attachment with name rules and a proxy is
 * sent to 127.I.I.I:dns_port instead, I being a random 24-bit index of nf_dns_steer (LRU hash,
 * key __u32) that remembers where it was going. The proxy reads I from the destination it was
 * reached at; cgroup/recvmsg4 puts the original resolver back as the source of the answers.
 *   addr, port, family  the original destination (port host order)
 *   proxy_port          host order; the port it was steered to
 *   scope               nf_cg_policy.scope of the attachment that steered it
 *   pid, cgroup_id      the asking process, for events
 */
struct nf_dns_steer {
	__u8 addr[16];
	__u16 port;
	__u8 family;
	__u8 protocol;
	__u16 proxy_port;
	__u16 pad;
	__u32 scope;
	__u32 pid;
	__u64 cgroup_id;
};
#define NF_DNS_PORT 53
#define NF_STEER_INDEX_MASK 0xffffff
/*
 * SO_MARK of the sockets a netfence DNS proxy answers on (CAP_NET_ADMIN sets it, so a confined
 * program cannot): a loopback flow whose local end is such a socket on a steered 127.I.I.I:port
 * is a nested confinement's proxy at work (nf_proxy_end).
 */
#define NF_PROXY_MARK 0x6e660000

/* Single entry of nf_meta: which build of the programs is pinned. */
struct nf_meta {
	__u32 abi_version;
	__u32 pad;
	__u8 object_sha256[32];
};

_Static_assert(sizeof(struct nf_rule_key) == 28, "nf_rule_key is frozen in ABI v1");
_Static_assert(sizeof(struct nf_rule_value) == 8, "nf_rule_value is frozen in ABI v1");
_Static_assert(sizeof(struct nf_host_key) == 24, "nf_host_key is frozen in ABI v5");
_Static_assert(sizeof(struct nf_portlist_key) == 8, "nf_portlist_key is frozen in ABI v1");
_Static_assert(sizeof(struct nf_port_rule) == 8, "nf_port_rule is frozen in ABI v1");
_Static_assert(sizeof(struct nf_portlist) == 264, "nf_portlist is frozen in ABI v1");
_Static_assert(sizeof(struct nf_policy_slot) == 16, "nf_policy_slot is frozen in ABI v1");
_Static_assert(sizeof(struct nf_cg_policy) == 80, "nf_cg_policy is frozen in ABI v4");
_Static_assert(sizeof(struct nf_flow) == 24, "nf_flow is frozen in ABI v1");
_Static_assert(sizeof(struct nf_cg_stats) == 232, "nf_cg_stats is frozen in ABI v2");
_Static_assert(sizeof(struct nf_event) == 72, "nf_event is frozen in ABI v1");
_Static_assert(sizeof(struct nf_ratelimit_key) == 32, "nf_ratelimit_key is frozen in ABI v1");
_Static_assert(sizeof(struct nf_ratelimit_value) == 16, "nf_ratelimit_value is frozen in ABI v1");
_Static_assert(sizeof(struct nf_ruleset_info) == 16, "nf_ruleset_info is frozen in ABI v1");
_Static_assert(sizeof(struct nf_meta) == 40, "nf_meta is frozen in ABI v1");
_Static_assert(sizeof(struct nf_sk_scopes) == 16, "nf_sk_scopes is frozen in ABI v2");

/*
 * Flow recording (learn mode, flow history): a slot with NF_POLICY_LEARN makes its attachment
 * record every distinct flow it judges in nf_flows (LRU hash), one entry per flow and learning
 * slot, and no event per packet. It changes no verdict: "mode: learn" is NF_POLICY_AUDIT |
 * NF_POLICY_LEARN; the agent's flow history adds NF_POLICY_LEARN to enforcing slots, which then
 * record what they allow and what they deny alike.
 */
#define NF_POLICY_LEARN 16

/*
 * Ports from here up are taken as ephemeral (Linux's default ip_local_port_range starts at 32768,
 * IANA's dynamic range at 49152): at every hook but connect, a TCP or UDP port in this range is
 * recorded as the whole range (port 0, NF_FLOW_EPHEMERAL), so answers to the command's own
 * connections and its answers to clients make one entry per peer, not one per connection.
 */
#define NF_FLOW_EPHEMERAL_MIN 32768

/*
 * Key of nf_flows.
 *   scope      nf_cg_policy.scope of the attachment that recorded it
 *   policy_id  a learning slot's policy_id: a flow is recorded once under each learning slot of
 *              the attachment (each of them judged it), so a policy's records are whole even where
 *              it shares a cgroup with others
 *   addr, family, protocol  as in nf_flow; port: as in nf_flow (remote port on egress, local port
 *              on ingress), 0 with NF_FLOW_EPHEMERAL
 *   direction  enum nf_direction
 *   flags      NF_FLOW_*
 */
struct nf_flow_key {
	__u32 scope;
	__u32 policy_id;
	__u8 addr[16];
	__u16 port;
	__u8 family;
	__u8 protocol;
	__u8 direction;
	__u8 flags;
	__u8 pad[2];
};
#define NF_FLOW_EPHEMERAL 1	/* port stands for NF_FLOW_EPHEMERAL_MIN..65535 */
#define NF_FLOW_OWN 2		/* loopback to a socket of the same confinement (own-loopback) */

/*
 * Value of nf_flows. Counts are atomic adds on a shared entry; first_ns and last_ns are
 * bpf_ktime_get_ns() (CLOCK_MONOTONIC), last_ns written without ordering (close enough).
 *   packets  packets at cgroup_skb hooks plus connect()/sendmsg() calls
 *   bytes    bytes at cgroup_skb hooks
 *   denied   of packets, those this attachment's enforcing slots denied (any of them: the flow's
 *            fate, the same in the record of every learning slot)
 */
struct nf_flow_value {
	__u64 packets;
	__u64 bytes;
	__u64 first_ns;
	__u64 last_ns;
	__u64 denied;
};

/* nf_flows' capacity in the object; the agent's flow_history.max_flows replaces it at load time */
#define NF_FLOWS_MAX 65536

_Static_assert(sizeof(struct nf_flow_key) == 32, "nf_flow_key is frozen in ABI v3");
_Static_assert(sizeof(struct nf_flow_value) == 40, "nf_flow_value is frozen in ABI v3");
_Static_assert(sizeof(struct nf_learned_key) == 28, "nf_learned_key is frozen in ABI v4");
_Static_assert(sizeof(struct nf_learned_value) == 16, "nf_learned_value is frozen in ABI v4");
_Static_assert(sizeof(struct nf_dns_steer) == 40, "nf_dns_steer is frozen in ABI v4");

#endif /* __NETFENCE_ABI_H */
