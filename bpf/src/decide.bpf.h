/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The one decision every hook makes: policy of the attached cgroup + flow -> verdict. */
#ifndef __NETFENCE_DECIDE_BPF_H
#define __NETFENCE_DECIDE_BPF_H

#include <linux/in.h>
#include "maps.bpf.h"
#include "learn.bpf.h"

static __always_inline __u8 nf_proto_bit(__u8 protocol, __u8 family)
{
	switch (protocol) {
	case IPPROTO_TCP:
		return NF_PROTO_TCP;
	case IPPROTO_UDP:
		return NF_PROTO_UDP;
	case IPPROTO_ICMP:
		return family == NF_FAMILY_IPV4 ? NF_PROTO_ICMP : NF_PROTO_OTHER;
	case 58: /* IPPROTO_ICMPV6, which linux/in.h does not define */
		return family == NF_FAMILY_IPV6 ? NF_PROTO_ICMP : NF_PROTO_OTHER;
	default:
		return NF_PROTO_OTHER;
	}
}

/*
 * A global (not static) function with scalar arguments: the verifier checks it once on its own
 * instead of once per call site and loop iteration, which keeps loading fast. Returns the
 * verdict of the first matching rule, -1 when none matches.
 */
__noinline int nf_first_matching_port_rule(__u32 ruleset, __u32 index, __u32 protocol_bit, __u32 port)
{
	struct nf_portlist_key key = { .ruleset = ruleset, .index = index };
	struct nf_portlist *list = bpf_map_lookup_elem(&nf_portlists, &key);
	__u32 i;

	/* the rule entry points at a list that is gone: the maps are inconsistent, fail closed */
	if (!list)
		return NF_DENY;
	for (i = 0; i < NF_PORTLIST_MAX; i++) {
		const struct nf_port_rule *rule;

		if (i >= list->count)
			break;
		rule = &list->rules[i];
		if ((rule->protos & protocol_bit) && port >= rule->port_lo && port <= rule->port_hi)
			return rule->verdict == NF_ALLOW ? NF_ALLOW : NF_DENY;
	}
	return -1;
}

/*
 * connect() and sendmsg() start flows: they honour a learned address's expiry. Packets of TCP and
 * UDP flows belong to a flow one of them allowed, so they do not (an open connection outlives the
 * TTL); other packets (ICMP, raw sockets) start nothing else, so they do.
 */
static __always_inline int nf_learned_is_current(const struct nf_learned_value *learned, const struct nf_flow *flow)
{
	if (flow->hook == NF_HOOK_EGRESS || flow->hook == NF_HOOK_INGRESS)
		if (flow->protocol == IPPROTO_TCP || flow->protocol == IPPROTO_UDP)
			return 1;
	return learned->expires_ns > bpf_ktime_get_ns();
}

/*
 * A matched entry's decision (an nf_rules/nf_hosts entry or a learned address): the first port
 * rule of its list that matches, else its own verdict; -1 when it has none for this flow (a
 * learned name rule with port rules only: the prefix rules decide).
 */
static __always_inline int nf_entry_verdict(__u32 ruleset, __u32 portlist, __u8 verdict, const struct nf_flow *flow,
					    int own)
{
	int port_verdict;

	if (portlist) {
		port_verdict = nf_first_matching_port_rule(ruleset, portlist, nf_proto_bit(flow->protocol, flow->family),
							   flow->port);
		if (port_verdict >= 0)
			return port_verdict;
	}
	if (verdict == NF_LEARNED_NO_VERDICT)
		return -1;
	if (verdict == NF_RULE_ALLOW_OWN)
		return own ? NF_ALLOW : NF_DENY;
	/* compare, never return the map byte: the verifier wants R0 provably in [0, 1] */
	return verdict == NF_ALLOW ? NF_ALLOW : NF_DENY;
}

/* An address learned from a name rule's answer: its verdict, -1 when it has none for this flow. */
static __always_inline int nf_decide_learned(__u32 ruleset, __u32 scope, const struct nf_flow *flow)
{
	struct nf_learned_key key = { .scope = scope, .ruleset = ruleset, .family = flow->family };
	struct nf_learned_value *learned;

	__builtin_memcpy(key.addr, flow->addr, sizeof(key.addr));
	learned = bpf_map_lookup_elem(&nf_learned, &key);
	if (!learned || !nf_learned_is_current(learned, flow))
		return -1;
	return nf_entry_verdict(ruleset, learned->portlist, learned->verdict, flow, 0);
}

/*
 * own: the peer socket of a loopback flow belongs to this attachment's confinement (see
 * nf_sk_scopes); it turns an own-loopback entry into an allow.
 * names: the slot has name rules in this direction, so addresses learned for this attachment
 * (scope) come first, as host rules; slots without pay nothing for them.
 */
static __always_inline int nf_decide(__u32 ruleset, const struct nf_flow *flow, int own, int names, __u32 scope)
{
	struct nf_rule_key key = {};
	struct nf_rule_value *entry;
	int verdict;

	if (ruleset == NF_RULESET_DENY_ALL)
		return NF_DENY;
	if (names) {
		verdict = nf_decide_learned(ruleset, scope, flow);
		if (verdict >= 0)
			return verdict;
	}
	entry = NULL;
	if (ruleset & NF_RULESET_HAS_HOSTS) {
		struct nf_host_key host = { .ruleset = ruleset, .family = flow->family };

		__builtin_memcpy(host.addr, flow->addr, sizeof(host.addr));
		entry = bpf_map_lookup_elem(&nf_hosts, &host);
	}
	if (!entry) {
		key.prefixlen = NF_RULE_KEY_FIXED_BITS + (flow->family == NF_FAMILY_IPV4 ? 32 : 128);
		key.ruleset = ruleset;
		key.family = flow->family;
		__builtin_memcpy(key.addr, flow->addr, sizeof(key.addr));
		entry = bpf_map_lookup_elem(&nf_rules, &key);
	}
	if (!entry)
		return NF_ALLOW;
	return nf_entry_verdict(ruleset, entry->portlist, entry->verdict, flow, own) == NF_ALLOW ? NF_ALLOW : NF_DENY;
}

static __always_inline void nf_record_denial(struct nf_cg_stats *stats, const struct nf_flow *flow)
{
	__u64 seen = stats->denials;

	__sync_fetch_and_add(&stats->denials, 1);
	/* per-CPU storage: slots are only raced by a softirq nesting on this CPU, which is harmless */
	if (seen < NF_RECENT_MAX)
		__builtin_memcpy(&stats->recent[seen], flow, sizeof(*flow));
}

static __always_inline void nf_count(__u32 counter)
{
	__u64 *value = bpf_map_lookup_elem(&nf_counters, &counter);

	if (value)
		__sync_fetch_and_add(value, 1);
}

/* Sends an event for a denial unless one went out for this cgroup and flow within the interval. */
static __always_inline void nf_emit(const struct nf_flow *flow, int direction, __u64 cgroup_id, __u32 policy_id,
				    int audit, int has_process)
{
	struct nf_ratelimit_key key = { .cgroup_id = cgroup_id };
	struct nf_ratelimit_value fresh = {};
	struct nf_ratelimit_value *seen;
	struct nf_event *event;
	__u64 now = bpf_ktime_get_ns();
	__u32 suppressed = 0;

	__builtin_memcpy(&key.flow, flow, sizeof(key.flow));
	seen = bpf_map_lookup_elem(&nf_ratelimit, &key);
	if (seen) {
		if (now - seen->last_sent_ns < NF_EVENT_INTERVAL_NS) {
			__sync_fetch_and_add(&seen->suppressed, 1);
			nf_count(NF_COUNTER_EVENTS_SUPPRESSED);
			return;
		}
		/* read, then subtract what was read: XADD without fetch works on every supported kernel */
		suppressed = seen->suppressed;
		__sync_fetch_and_add(&seen->suppressed, -suppressed);
		seen->last_sent_ns = now;
	} else {
		fresh.last_sent_ns = now;
		bpf_map_update_elem(&nf_ratelimit, &key, &fresh, BPF_ANY);
	}

	event = bpf_ringbuf_reserve(&nf_events, sizeof(*event), 0);
	if (!event) {
		nf_count(NF_COUNTER_EVENTS_LOST);
		return;
	}
	event->timestamp_ns = now;
	event->cgroup_id = cgroup_id;
	event->policy_id = policy_id;
	event->suppressed = suppressed;
	event->audit = audit;
	event->direction = direction;
	event->pad[0] = 0;
	event->pad[1] = 0;
	if (has_process) {
		event->pid = bpf_get_current_pid_tgid() >> 32;
		bpf_get_current_comm(event->comm, sizeof(event->comm));
	} else {
		event->pid = 0;
		__builtin_memset(event->comm, 0, sizeof(event->comm));
	}
	__builtin_memcpy(&event->flow, flow, sizeof(event->flow));
	/* no wakeup: the agent polls the ring, so producers never pay for waking it */
	bpf_ringbuf_submit(event, BPF_RB_NO_WAKEUP);
	nf_count(NF_COUNTER_EVENTS_SENT);
}

/*
 * One slot said no: an enforcing slot denies, an audit-mode one only counts. The policy reported
 * is the first enforcing slot that denied, else the first audit one.
 */
static __always_inline void nf_slot_denies(const struct nf_policy_slot *slot, int *denied, int *audited,
					   __u32 *denying_policy)
{
	if (!*denied && !*audited)
		*denying_policy = slot->policy_id;
	if (slot->flags & NF_POLICY_AUDIT) {
		*audited = 1;
	} else {
		if (!*denied)
			*denying_policy = slot->policy_id;
		*denied = 1;
	}
}

/*
 * Decide for the cgroup this program is attached to: every policy slot must allow. A slot in
 * audit mode that denies is counted and reported but lets the traffic pass.
 */
static __always_inline int nf_judge(int direction, const struct nf_flow *flow, __u64 bytes, __u64 cgroup_id,
				    int has_process, int own)
{
	struct nf_cg_policy *policy = bpf_get_local_storage(&nf_cg_policy, 0);
	struct nf_cg_stats *stats = bpf_get_local_storage(&nf_cg_stats, 0);
	int is_packet = flow->hook == NF_HOOK_EGRESS || flow->hook == NF_HOOK_INGRESS;
	int d = direction == NF_DIR_EGRESS ? NF_DIR_EGRESS : NF_DIR_INGRESS;
	int call = flow->hook == NF_HOOK_CONNECT ? 0 : 1;
	__u32 slots = policy->slots;
	int denied = slots == 0; /* nothing written yet: fail closed */
	int audited = 0;
	__u32 denying_policy = 0;
	__u32 i;

	for (i = 0; i < NF_POLICY_SLOTS; i++) {
		const struct nf_policy_slot *slot = &policy->slot[i];
		__u32 ruleset;
		int names;

		if (i >= slots)
			break;
		ruleset = direction == NF_DIR_EGRESS ? slot->egress_ruleset : slot->ingress_ruleset;
		names = slot->flags & (direction == NF_DIR_EGRESS ? NF_POLICY_NAMES_EGRESS : NF_POLICY_NAMES_INGRESS);
		if (nf_decide(ruleset, flow, own, names, policy->scope) != NF_ALLOW)
			nf_slot_denies(slot, &denied, &audited, &denying_policy);
	}
	nf_learn(policy, d, flow, bytes, own, denied);

	if (!denied) {
		if (is_packet) {
			__sync_fetch_and_add(&stats->allowed_packets[d], 1);
			__sync_fetch_and_add(&stats->allowed_bytes[d], bytes);
			if (audited)
				__sync_fetch_and_add(&stats->audited_packets[d], 1);
		} else if (audited) {
			__sync_fetch_and_add(&stats->audited_calls[call], 1);
		}
		if (audited) {
			nf_record_denial(stats, flow);
			nf_emit(flow, d, cgroup_id, denying_policy, 1, has_process);
		}
		return NF_ALLOW;
	}
	if (is_packet) {
		__sync_fetch_and_add(&stats->denied_packets[d], 1);
		__sync_fetch_and_add(&stats->denied_bytes[d], bytes);
	} else {
		__sync_fetch_and_add(&stats->denied_calls[call], 1);
	}
	nf_record_denial(stats, flow);
	nf_emit(flow, d, cgroup_id, denying_policy, 0, has_process);
	return NF_DENY;
}

/*
 * A packet or XDP socket being created: every policy slot must let them be (NF_POLICY_PACKET_SOCKETS).
 * They bypass every per-packet check, so a policy that restricts egress refuses them by default.
 */
static __always_inline int nf_judge_packet_socket(__u8 family)
{
	struct nf_cg_policy *policy = bpf_get_local_storage(&nf_cg_policy, 0);
	struct nf_cg_stats *stats = bpf_get_local_storage(&nf_cg_stats, 0);
	struct nf_flow flow = { .family = NF_FAMILY_NONE, .protocol = family, .hook = NF_HOOK_SOCK_CREATE };
	__u64 cgroup_id = bpf_get_current_cgroup_id();
	__u32 slots = policy->slots;
	int denied = slots == 0;
	int audited = 0;
	__u32 denying_policy = 0;
	__u32 i;

	for (i = 0; i < NF_POLICY_SLOTS; i++) {
		const struct nf_policy_slot *slot = &policy->slot[i];

		if (i >= slots)
			break;
		if (!(slot->flags & NF_POLICY_PACKET_SOCKETS))
			nf_slot_denies(slot, &denied, &audited, &denying_policy);
	}
	if (!denied && !audited)
		return NF_ALLOW;
	if (denied)
		__sync_fetch_and_add(&stats->denied_sockets, 1);
	else
		__sync_fetch_and_add(&stats->audited_sockets, 1);
	nf_record_denial(stats, &flow);
	nf_emit(&flow, NF_DIR_EGRESS, cgroup_id, denying_policy, !denied, 1);
	return denied ? NF_DENY : NF_ALLOW;
}

#endif /* __NETFENCE_DECIDE_BPF_H */
