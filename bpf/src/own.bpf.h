/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * "Loopback to my own processes" (NF_RULE_ALLOW_OWN): every socket created under a netfence
 * attachment is tagged with that attachment's scope (nf_sk_scopes, cloned to accepted sockets);
 * a loopback flow is "own" when the socket at its other end carries the scope of the attachment
 * whose program is deciding. The other end is found with the kernel's own socket lookup.
 */
#ifndef __NETFENCE_OWN_BPF_H
#define __NETFENCE_OWN_BPF_H

#include <linux/in.h>
#include "maps.bpf.h"

static __always_inline __u32 nf_scope(void)
{
	struct nf_cg_policy *policy = bpf_get_local_storage(&nf_cg_policy, 0);

	return policy->scope;
}

/* Called by sock_create of every attachment the creator runs under, innermost first. */
static __always_inline void nf_tag_socket(struct bpf_sock *sk)
{
	struct nf_sk_scopes *tags = bpf_sk_storage_get(&nf_sk_scopes, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	__u32 scope = nf_scope();
	int i;

	if (!tags || !scope)
		return;
	for (i = 0; i < NF_SCOPE_DEPTH; i++) {
		if (tags->scope[i] == scope)
			return;
		if (tags->scope[i] == 0) {
			tags->scope[i] = scope;
			return;
		}
	}
}

static __always_inline int nf_sk_is_own(struct bpf_sock *sk, __u32 scope)
{
	struct nf_sk_scopes *tags;
	int i;

	if (!sk)
		return 0;
	tags = bpf_sk_storage_get(&nf_sk_scopes, sk, 0, 0);
	if (!tags || !scope)
		return 0;
	for (i = 0; i < NF_SCOPE_DEPTH; i++)
		if (tags->scope[i] == scope)
			return 1;
	return 0;
}

static __always_inline int nf_is_loopback(const struct nf_flow *flow)
{
	const __u32 *a = (const __u32 *)flow->addr;

	if (flow->family == NF_FAMILY_IPV4)
		return flow->addr[0] == 127;
	return flow->family == NF_FAMILY_IPV6 && a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == bpf_htonl(1);
}

/* Fills the tuple's remote end (daddr, dport) from the flow; the size of its address part. */
static __always_inline __u32 nf_tuple_to(struct bpf_sock_tuple *t, const struct nf_flow *flow)
{
	if (flow->family == NF_FAMILY_IPV4) {
		__builtin_memcpy(&t->ipv4.daddr, flow->addr, 4);
		t->ipv4.dport = bpf_htons(flow->port);
		return sizeof(t->ipv4);
	}
	__builtin_memcpy(t->ipv6.daddr, flow->addr, 16);
	t->ipv6.dport = bpf_htons(flow->port);
	return sizeof(t->ipv6);
}

/* connect()/sendmsg(): is the socket the caller is about to reach one of its own? */
static __always_inline int nf_sock_addr_peer_is_own(struct bpf_sock_addr *ctx, const struct nf_flow *flow)
{
	struct bpf_sock_tuple t = {};
	struct bpf_sock *sk;
	__u32 size;
	int own;

	if (!nf_is_loopback(flow))
		return 0;
	size = nf_tuple_to(&t, flow);
	if (ctx->protocol == IPPROTO_TCP)
		sk = bpf_sk_lookup_tcp(ctx, &t, size, BPF_F_CURRENT_NETNS, 0);
	else if (ctx->protocol == IPPROTO_UDP)
		sk = bpf_sk_lookup_udp(ctx, &t, size, BPF_F_CURRENT_NETNS, 0);
	else
		return 0;
	own = nf_sk_is_own(sk, nf_scope());
	if (sk)
		bpf_sk_release(sk);
	return own;
}

/*
 * A loopback packet: is the socket at its other end (the receiver on egress, the sender on
 * ingress) one of this confinement's? The tuple is read from the packet in the lookup's terms:
 * source = the end that is not looked up.
 */
static __always_inline int nf_skb_peer_is_own(struct __sk_buff *skb, int direction, const struct nf_flow *flow,
					      __u32 l4)
{
	struct bpf_sock_tuple t = {};
	struct bpf_sock *sk;
	__be16 ports[2];
	__u32 size;
	int own;

	if (!nf_is_loopback(flow) || (flow->protocol != IPPROTO_TCP && flow->protocol != IPPROTO_UDP))
		return 0;
	if (bpf_skb_load_bytes(skb, l4, ports, sizeof(ports)))
		return 0;
	if (flow->family == NF_FAMILY_IPV4) {
		__u32 addrs[2];

		if (bpf_skb_load_bytes(skb, 12, addrs, sizeof(addrs))) /* iphdr saddr, daddr */
			return 0;
		t.ipv4.saddr = direction == NF_DIR_EGRESS ? addrs[0] : addrs[1];
		t.ipv4.daddr = direction == NF_DIR_EGRESS ? addrs[1] : addrs[0];
		t.ipv4.sport = direction == NF_DIR_EGRESS ? ports[0] : ports[1];
		t.ipv4.dport = direction == NF_DIR_EGRESS ? ports[1] : ports[0];
		size = sizeof(t.ipv4);
	} else {
		__u32 addrs[8];

		if (bpf_skb_load_bytes(skb, 8, addrs, sizeof(addrs))) /* ipv6hdr saddr, daddr */
			return 0;
		__builtin_memcpy(t.ipv6.saddr, direction == NF_DIR_EGRESS ? &addrs[0] : &addrs[4], 16);
		__builtin_memcpy(t.ipv6.daddr, direction == NF_DIR_EGRESS ? &addrs[4] : &addrs[0], 16);
		t.ipv6.sport = direction == NF_DIR_EGRESS ? ports[0] : ports[1];
		t.ipv6.dport = direction == NF_DIR_EGRESS ? ports[1] : ports[0];
		size = sizeof(t.ipv6);
	}
	if (flow->protocol == IPPROTO_TCP)
		sk = bpf_sk_lookup_tcp(skb, &t, size, BPF_F_CURRENT_NETNS, 0);
	else
		sk = bpf_sk_lookup_udp(skb, &t, size, BPF_F_CURRENT_NETNS, 0);
	own = nf_sk_is_own(sk, nf_scope());
	if (sk)
		bpf_sk_release(sk);
	return own;
}

#endif /* __NETFENCE_OWN_BPF_H */
