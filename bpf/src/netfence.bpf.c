// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * netfence's programs. connect/sendmsg hooks refuse a denied destination before any packet
 * exists (the caller gets EPERM at once); the cgroup_skb hooks police every packet, which covers
 * ICMP, raw sockets, connected UDP and connections that predate the policy.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "decide.bpf.h"
#include "own.bpf.h"
#include "steer.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define NF_IPV6_EXT_HEADERS_MAX 6

/* IPv6 extension headers by next-header number (IANA); linux/in6.h lacks HIP and Shim6 */
#define NF_IPV6_HOPOPTS 0
#define NF_IPV6_ROUTING 43
#define NF_IPV6_FRAGMENT 44
#define NF_IPV6_AUTH 51
#define NF_IPV6_DSTOPTS 60
#define NF_IPV6_MOBILITY 135
#define NF_IPV6_HIP 139
#define NF_IPV6_SHIM6 140
#define NF_IPV6_FRAG_OFFSET_MASK 0xfff8
#define NF_IPV4_FRAG_OFFSET_MASK 0x1fff

/* ::ffff:a.b.c.d is judged as a.b.c.d, so the address family cannot be used to slip past. */
static __always_inline void nf_flow_from_ip6(struct nf_flow *flow, const __u32 ip6[4])
{
	if (ip6[0] == 0 && ip6[1] == 0 && ip6[2] == bpf_htonl(0xffff)) {
		flow->family = NF_FAMILY_IPV4;
		__builtin_memcpy(flow->addr, &ip6[3], 4);
	} else {
		flow->family = NF_FAMILY_IPV6;
		__builtin_memcpy(flow->addr, ip6, 16);
	}
}

static __always_inline int nf_sock_addr4(struct bpf_sock_addr *ctx, __u8 hook)
{
	struct nf_flow flow = { .family = NF_FAMILY_IPV4, .hook = hook };
	__u32 ip4 = ctx->user_ip4;

	__builtin_memcpy(flow.addr, &ip4, 4);
	flow.port = bpf_ntohs(ctx->user_port);
	flow.protocol = ctx->protocol;
	if (nf_steer4(ctx, &flow))
		return NF_ALLOW;
	if (nf_unsteer(&flow, flow.port, nf_scope(), NF_DIR_EGRESS))
		return NF_ALLOW;
	if (flow.addr[0] == 127 && nf_proxy_end(ctx->sk->src_ip4, ctx->sk->src_port, ctx->sk->mark)) /* src_port: host order */
		return NF_ALLOW;
	return nf_judge(NF_DIR_EGRESS, &flow, 0, bpf_get_current_cgroup_id(), 1, nf_sock_addr_peer_is_own(ctx, &flow));
}

static __always_inline int nf_sock_addr6(struct bpf_sock_addr *ctx, __u8 hook)
{
	struct nf_flow flow = { .hook = hook };
	__u32 ip6[4];

	ip6[0] = ctx->user_ip6[0];
	ip6[1] = ctx->user_ip6[1];
	ip6[2] = ctx->user_ip6[2];
	ip6[3] = ctx->user_ip6[3];
	nf_flow_from_ip6(&flow, ip6);
	flow.port = bpf_ntohs(ctx->user_port);
	flow.protocol = ctx->protocol;
	return nf_judge(NF_DIR_EGRESS, &flow, 0, bpf_get_current_cgroup_id(), 1, nf_sock_addr_peer_is_own(ctx, &flow));
}

SEC("cgroup/connect4")
int nf_connect4(struct bpf_sock_addr *ctx) { return nf_sock_addr4(ctx, NF_HOOK_CONNECT); }

SEC("cgroup/connect6")
int nf_connect6(struct bpf_sock_addr *ctx) { return nf_sock_addr6(ctx, NF_HOOK_CONNECT); }

SEC("cgroup/sendmsg4")
int nf_sendmsg4(struct bpf_sock_addr *ctx) { return nf_sock_addr4(ctx, NF_HOOK_SENDMSG); }

SEC("cgroup/sendmsg6")
int nf_sendmsg6(struct bpf_sock_addr *ctx) { return nf_sock_addr6(ctx, NF_HOOK_SENDMSG); }

/*
 * The answer to a steered query comes from 127.I.I.I:proxy: the program sees the resolver it
 * asked instead (resolvers check that the answer comes from the server they asked). Never denies.
 */
SEC("cgroup/recvmsg4")
int nf_recvmsg4(struct bpf_sock_addr *ctx)
{
	struct nf_flow flow = { .family = NF_FAMILY_IPV4 };
	struct nf_dns_steer *steer;
	__u32 ip4 = ctx->user_ip4;

	__builtin_memcpy(flow.addr, &ip4, 4);
	steer = nf_steered(&flow, bpf_ntohs(ctx->user_port));
	if (steer && steer->family == NF_FAMILY_IPV4) {
		__builtin_memcpy(&ip4, steer->addr, 4);
		ctx->user_ip4 = ip4;
		ctx->user_port = bpf_htons(steer->port);
	}
	return NF_ALLOW;
}

/*
 * The destination port: on egress the remote service, on ingress the local one being reached.
 * Left 0 for packets without ports. Fails for a TCP or UDP header too short to hold them.
 */
static __always_inline int nf_load_ports(struct __sk_buff *skb, __u32 l4, struct nf_flow *flow)
{
	__be16 ports[2];

	if (flow->protocol != IPPROTO_TCP && flow->protocol != IPPROTO_UDP)
		return 0;
	if (bpf_skb_load_bytes(skb, l4, ports, sizeof(ports)))
		return -1;
	flow->port = bpf_ntohs(ports[1]);
	return 0;
}

static __always_inline int nf_parse_ipv4(struct __sk_buff *skb, int direction, struct nf_flow *flow, __u32 *l4)
{
	struct iphdr ip;

	if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)) || ip.ihl < 5)
		return -1;
	flow->family = NF_FAMILY_IPV4;
	flow->protocol = ip.protocol;
	__builtin_memcpy(flow->addr, direction == NF_DIR_EGRESS ? &ip.daddr : &ip.saddr, 4);
	*l4 = ip.ihl * 4;
	/* non-first fragments carry no ports */
	if ((bpf_ntohs(ip.frag_off) & NF_IPV4_FRAG_OFFSET_MASK) != 0)
		return 0;
	return nf_load_ports(skb, *l4, flow);
}

/* IPv6 extension headers that may stand between the fixed header and the transport header. */
static __always_inline int nf_ipv6_is_extension(__u8 next)
{
	switch (next) {
	case NF_IPV6_HOPOPTS:
	case NF_IPV6_ROUTING:
	case NF_IPV6_FRAGMENT:
	case NF_IPV6_AUTH:
	case NF_IPV6_DSTOPTS:
	case NF_IPV6_MOBILITY:
	case NF_IPV6_HIP:
	case NF_IPV6_SHIM6:
		return 1;
	default:
		return 0;
	}
}

/*
 * Walks at most NF_IPV6_EXT_HEADERS_MAX extension headers. A longer chain is not judged as
 * "protocol = the next extension header, no port", which would let a port or protocol rule be
 * walked around: the packet cannot be judged and is refused like a truncated one.
 */
static __always_inline int nf_parse_ipv6(struct __sk_buff *skb, int direction, struct nf_flow *flow, __u32 *l4)
{
	struct ipv6hdr ip;
	__u32 offset = sizeof(ip);
	__u8 next;
	int i;

	if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)))
		return -1;
	flow->family = NF_FAMILY_IPV6;
	__builtin_memcpy(flow->addr, direction == NF_DIR_EGRESS ? &ip.daddr : &ip.saddr, 16);
	next = ip.nexthdr;
	for (i = 0; i < NF_IPV6_EXT_HEADERS_MAX; i++) {
		__u8 ext[2];

		if (!nf_ipv6_is_extension(next))
			break;
		if (bpf_skb_load_bytes(skb, offset, ext, sizeof(ext)))
			return -1;
		if (next == NF_IPV6_FRAGMENT) {
			__be16 frag_off;

			if (bpf_skb_load_bytes(skb, offset + 2, &frag_off, sizeof(frag_off)))
				return -1;
			if (bpf_ntohs(frag_off) & NF_IPV6_FRAG_OFFSET_MASK) {
				flow->protocol = ext[0];
				return 0; /* non-first fragment: no ports */
			}
			offset += 8;
		} else if (next == NF_IPV6_AUTH) {
			offset += (ext[1] + 2) * 4; /* RFC 4302: length in 4-octet units, minus 2 */
		} else {
			offset += (ext[1] + 1) * 8; /* RFC 8200: length in 8-octet units, minus 1 */
		}
		next = ext[0];
	}
	if (nf_ipv6_is_extension(next))
		return -1;
	flow->protocol = next;
	*l4 = offset;
	return nf_load_ports(skb, offset, flow);
}

/*
 * An IP packet netfence cannot judge (too short, a longer extension chain than the walk, ports it
 * cannot read) is refused, whatever the policy, and counted as a denied packet. It sends no
 * event: there is no flow to name.
 */
static __always_inline int nf_refuse_unjudgeable(struct __sk_buff *skb, int direction)
{
	struct nf_cg_stats *stats = bpf_get_local_storage(&nf_cg_stats, 0);
	int d = direction == NF_DIR_EGRESS ? NF_DIR_EGRESS : NF_DIR_INGRESS;

	__sync_fetch_and_add(&stats->denied_packets[d], 1);
	__sync_fetch_and_add(&stats->denied_bytes[d], skb->len);
	return NF_DENY;
}

/*
 * A loopback packet of a steered DNS query (see nf_unsteer), or of a nested confinement's proxy
 * answering one (nf_proxy_end); the remote port is the source port on ingress.
 */
static __always_inline int nf_skb_unsteer(struct __sk_buff *skb, int direction, struct nf_flow *flow, __u32 l4)
{
	__be16 ports[2];
	__u32 local_ip4, mark;
	struct bpf_sock *sk;

	if (flow->protocol != IPPROTO_TCP && flow->protocol != IPPROTO_UDP)
		return 0;
	if (bpf_skb_load_bytes(skb, l4, ports, sizeof(ports)))
		return 0;
	if (nf_unsteer(flow, bpf_ntohs(direction == NF_DIR_EGRESS ? ports[1] : ports[0]), nf_scope(), direction))
		return 1;
	/*
	 * The local end's socket mark, checked first (only a proxy's socket has it): the packet carries
	 * it on egress (a SYN-ACK's too, from the listener), the receiving socket has it on ingress.
	 * Then the local address: the IPv4 header's source on egress, its destination on ingress.
	 */
	if (direction == NF_DIR_EGRESS) {
		mark = skb->mark;
	} else {
		sk = skb->sk;
		if (!sk)
			return 0;
		sk = bpf_sk_fullsock(sk);
		if (!sk)
			return 0;
		mark = sk->mark;
	}
	if (mark != NF_PROXY_MARK)
		return 0;
	if (bpf_skb_load_bytes(skb, direction == NF_DIR_EGRESS ? 12 : 16, &local_ip4, sizeof(local_ip4)))
		return 0;
	return nf_proxy_end(local_ip4, bpf_ntohs(direction == NF_DIR_EGRESS ? ports[0] : ports[1]), mark);
}

static __always_inline int nf_skb(struct __sk_buff *skb, int direction)
{
	struct nf_flow flow = {};
	__u32 l4 = 0;
	int parsed;

	flow.hook = direction == NF_DIR_EGRESS ? NF_HOOK_EGRESS : NF_HOOK_INGRESS;
	if (skb->protocol == bpf_htons(ETH_P_IP))
		parsed = nf_parse_ipv4(skb, direction, &flow, &l4);
	else if (skb->protocol == bpf_htons(ETH_P_IPV6))
		parsed = nf_parse_ipv6(skb, direction, &flow, &l4);
	else
		return NF_ALLOW; /* not IP: nothing a policy speaks of */
	if (parsed)
		return nf_refuse_unjudgeable(skb, direction);
	if (flow.family == NF_FAMILY_IPV4 && flow.addr[0] == 127 && nf_skb_unsteer(skb, direction, &flow, l4))
		return NF_ALLOW;
	return nf_judge(direction, &flow, skb->len, bpf_skb_cgroup_id(skb), 0, nf_skb_peer_is_own(skb, direction, &flow, l4));
}

SEC("cgroup_skb/egress")
int nf_skb_egress(struct __sk_buff *skb) { return nf_skb(skb, NF_DIR_EGRESS); }

SEC("cgroup_skb/ingress")
int nf_skb_ingress(struct __sk_buff *skb) { return nf_skb(skb, NF_DIR_INGRESS); }

/*
 * Attached first: the kernel creates a cgroup's storages when a program using them is attached,
 * so the agent can write the policy before any enforcing hook exists (no deny-all window on a
 * live cgroup). It allows every (inet) socket, and tags it with this attachment's scope for
 * own-loopback rules.
 */
SEC("cgroup/sock_create")
int nf_sock_create(struct bpf_sock *sk)
{
	void *stats = bpf_get_local_storage(&nf_cg_stats, 0);

	/* keep the call: the program must reference both storages to own them */
	asm volatile("" : : "r"(stats));
	nf_tag_socket(sk);
	return NF_ALLOW;
}

#define NF_AF_PACKET 17
#define NF_AF_XDP 44

/*
 * Packet and XDP sockets bypass every per-packet hook. cgroup/sock_create sees inet sockets only,
 * so this per-cgroup LSM program (Linux 6.0+, where "bpf" is an active LSM) decides them;
 * netfence loads it only where that holds. Kernel-internal sockets are not the cgroup's to judge.
 */
SEC("lsm_cgroup/socket_create")
int BPF_PROG(nf_socket_create, int family, int type, int protocol, int kern)
{
	if (kern || (family != NF_AF_PACKET && family != NF_AF_XDP))
		return NF_ALLOW;
	return nf_judge_packet_socket((__u8)family);
}
