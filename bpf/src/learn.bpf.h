/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Learn mode and flow history: the flows of attachments whose policy has a NF_POLICY_LEARN slot,
 * one nf_flows entry per distinct flow and learning slot, counted in place. Nothing is sent per
 * packet; the agent or 'run --learn' reads the map. Attachments without such a slot pay a loop over
 * their slots' flags.
 */
#ifndef __NETFENCE_LEARN_BPF_H
#define __NETFENCE_LEARN_BPF_H

#include <linux/in.h>
#include "maps.bpf.h"

/* The least recently seen flows are forgotten first; the map is shared by every learning attachment. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, NF_FLOWS_MAX);
	__type(key, struct nf_flow_key);
	__type(value, struct nf_flow_value);
} nf_flows SEC(".maps");

/* Bit i set: slot i learns. 0 for nearly every attachment, which then pays nothing more. */
static __always_inline __u32 nf_learning_slots(const struct nf_cg_policy *policy)
{
	__u32 slots = policy->slots;
	__u32 learning = 0;
	__u32 i;

	for (i = 0; i < NF_POLICY_SLOTS; i++) {
		if (i >= slots)
			break;
		if (policy->slot[i].flags & NF_POLICY_LEARN)
			learning |= 1 << i;
	}
	return learning;
}

/* Adds one judgement to the record of key (created at its first sighting). */
static __always_inline void nf_learn_into(const struct nf_flow_key *key, __u64 now, __u64 bytes, int is_packet,
					  int denied)
{
	struct nf_flow_value fresh = {};
	struct nf_flow_value *seen = bpf_map_lookup_elem(&nf_flows, key);

	if (!seen) {
		fresh.first_ns = now;
		fresh.last_ns = now;
		/* NOEXIST: a concurrent first sighting keeps its entry and this one is added to it below */
		bpf_map_update_elem(&nf_flows, key, &fresh, BPF_NOEXIST);
		seen = bpf_map_lookup_elem(&nf_flows, key);
		if (!seen)
			return;
	}
	__sync_fetch_and_add(&seen->packets, 1);
	if (is_packet)
		__sync_fetch_and_add(&seen->bytes, bytes);
	if (denied)
		__sync_fetch_and_add(&seen->denied, 1);
	seen->last_ns = now;
}

/*
 * Records one judged flow for a learning attachment, once under each learning slot's policy id:
 * every slot judged the flow, so with several policies on one cgroup each one's record is whole.
 * Called once per decision, whatever it was.
 */
static __always_inline void nf_learn(const struct nf_cg_policy *policy, int direction, const struct nf_flow *flow,
				     __u64 bytes, int own, int denied)
{
	struct nf_flow_key key = {};
	int is_packet = flow->hook == NF_HOOK_EGRESS || flow->hook == NF_HOOK_INGRESS;
	__u32 learning = nf_learning_slots(policy);
	__u64 now;
	__u32 i;

	if (!learning || flow->family == NF_FAMILY_NONE)
		return;
	key.scope = policy->scope;
	__builtin_memcpy(key.addr, flow->addr, sizeof(key.addr));
	key.family = flow->family;
	key.protocol = flow->protocol;
	key.direction = direction == NF_DIR_EGRESS ? NF_DIR_EGRESS : NF_DIR_INGRESS;
	key.port = flow->port;
	/* connect() names the service it reaches; elsewhere a high port is the client's side of a flow */
	if (flow->hook != NF_HOOK_CONNECT && (flow->protocol == IPPROTO_TCP || flow->protocol == IPPROTO_UDP) &&
	    flow->port >= NF_FLOW_EPHEMERAL_MIN) {
		key.port = 0;
		key.flags |= NF_FLOW_EPHEMERAL;
	}
	if (own)
		key.flags |= NF_FLOW_OWN;

	now = bpf_ktime_get_ns();
	for (i = 0; i < NF_POLICY_SLOTS; i++) {
		if (!(learning & (1 << i)))
			continue;
		key.policy_id = policy->slot[i].policy_id ? policy->slot[i].policy_id : 1;
		nf_learn_into(&key, now, bytes, is_packet, denied);
	}
}

#endif /* __NETFENCE_LEARN_BPF_H */
