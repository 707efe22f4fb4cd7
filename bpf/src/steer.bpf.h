/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * DNS steering for name rules: the DNS queries of an attachment whose policy has name rules go to
 * netfence's DNS proxy on loopback, which answers only names the rules allow and learns their
 * addresses (nf_learned) before the answer arrives. See struct nf_dns_steer.
 */
#ifndef __NETFENCE_STEER_BPF_H
#define __NETFENCE_STEER_BPF_H

#include <linux/in.h>
#include <bpf/bpf_endian.h>
#include "maps.bpf.h"

#define NF_STEER_TRIES 4
#define NF_LOOPBACK_NET 0x7f000000

static __always_inline int nf_policy_has_names(const struct nf_cg_policy *policy)
{
	__u32 i;

	for (i = 0; i < NF_POLICY_SLOTS; i++) {
		if (i >= policy->slots)
			break;
		if (policy->slot[i].flags & NF_POLICY_NAMES_EGRESS)
			return 1;
	}
	return 0;
}

/*
 * connect4/sendmsg4: sends a DNS query of this attachment to the proxy, remembering where it was
 * going under a fresh index. Returns 1 when it did; 0 leaves the query to the rules (no proxy,
 * no name rules, or no free index after a few tries: then it is judged as before, fail closed).
 */
static __always_inline int nf_steer4(struct bpf_sock_addr *ctx, const struct nf_flow *flow)
{
	struct nf_cg_policy *policy = bpf_get_local_storage(&nf_cg_policy, 0);
	struct nf_dns_steer steer = {};
	__u32 index;
	int i;

	if (flow->port != NF_DNS_PORT || (flow->protocol != IPPROTO_TCP && flow->protocol != IPPROTO_UDP))
		return 0;
	if (!policy->dns_port || !nf_policy_has_names(policy))
		return 0;
	__builtin_memcpy(steer.addr, flow->addr, sizeof(steer.addr));
	steer.port = flow->port;
	steer.family = flow->family;
	steer.protocol = flow->protocol;
	steer.proxy_port = policy->dns_port;
	steer.scope = policy->scope;
	steer.pid = bpf_get_current_pid_tgid() >> 32;
	steer.cgroup_id = bpf_get_current_cgroup_id();
	for (i = 0; i < NF_STEER_TRIES; i++) {
		index = bpf_get_prandom_u32() & NF_STEER_INDEX_MASK;
		if (index < 2) /* 127.0.0.0 and 127.0.0.1 are never used */
			continue;
		if (bpf_map_update_elem(&nf_dns_steer, &index, &steer, BPF_NOEXIST) == 0) {
			ctx->user_ip4 = bpf_htonl(NF_LOOPBACK_NET | index);
			ctx->user_port = bpf_htons(steer.proxy_port);
			return 1;
		}
	}
	return 0;
}

/* The steered query a flow to or from 127.I.I.I:remote_port belongs to, or NULL. */
static __always_inline struct nf_dns_steer *nf_steered(const struct nf_flow *flow, __u16 remote_port)
{
	struct nf_dns_steer *steer;
	__u32 index;

	if (flow->family != NF_FAMILY_IPV4 || flow->addr[0] != 127)
		return NULL;
	index = ((__u32)flow->addr[1] << 16) | ((__u32)flow->addr[2] << 8) | flow->addr[3];
	if (index < 2) /* 127.0.0.0 and 127.0.0.1, most loopback traffic, are never steered: no lookup */
		return NULL;
	steer = bpf_map_lookup_elem(&nf_dns_steer, &index);
	if (!steer || steer->proxy_port != remote_port)
		return NULL;
	return steer;
}

/*
 * A flow to or from the proxy: the attachment that steered it lets it pass (returns 1), since
 * the proxy judges the query by name. So does an ancestor whose own policy has name rules: the
 * nested confinement's proxy forwards the query from its own process, which the ancestor's
 * programs steer to the ancestor's proxy in turn, so the name is judged, and learned, at both
 * levels. Any other ancestor (whose programs run after the steering one's and see the rewritten
 * destination) judges the resolver it was going to: the flow is rewritten to it (keeping the
 * port meaning of its hook) and 0 returned.
 */
static __always_inline int nf_unsteer(struct nf_flow *flow, __u16 remote_port, __u32 scope, int direction)
{
	struct nf_dns_steer *steer = nf_steered(flow, remote_port);
	struct nf_cg_policy *policy;

	if (!steer)
		return 0;
	if (steer->scope == scope)
		return 1;
	policy = bpf_get_local_storage(&nf_cg_policy, 0);
	if (policy->dns_port && nf_policy_has_names(policy))
		return 1;
	flow->family = steer->family;
	__builtin_memcpy(flow->addr, steer->addr, sizeof(flow->addr));
	if (direction == NF_DIR_EGRESS)
		flow->port = steer->port;
	return 0;
}

/*
 * A loopback flow whose local end (address in network order, port, socket mark) is a netfence
 * proxy answering a steered query: a nested confinement's proxy, in a process this attachment
 * confines (a standalone run's, in the caller's cgroup). It passes where this attachment's policy
 * has name rules, as the queries it answers do (nf_unsteer); its own upstream query is steered to
 * this policy's proxy and judged by name there. The mark proves the socket is netfence's: a
 * confined program could bind 127.I.I.I:port beside the proxy (SO_REUSEADDR) but not mark it.
 */
static __always_inline int nf_proxy_end(__u32 local_ip4, __u16 local_port, __u32 mark)
{
	struct nf_flow local = { .family = NF_FAMILY_IPV4 };
	struct nf_cg_policy *policy;

	if (mark != NF_PROXY_MARK)
		return 0;
	__builtin_memcpy(local.addr, &local_ip4, 4);
	if (local.addr[0] != 127 || !nf_steered(&local, local_port))
		return 0;
	policy = bpf_get_local_storage(&nf_cg_policy, 0);
	return policy->dns_port && nf_policy_has_names(policy);
}

#endif /* __NETFENCE_STEER_BPF_H */
