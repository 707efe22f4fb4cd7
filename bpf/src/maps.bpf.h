/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The maps of netfence.bpf.o, at the capacities they are created with: nothing resizes them at load. */
#ifndef __NETFENCE_MAPS_BPF_H
#define __NETFENCE_MAPS_BPF_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "netfence_abi.h"

/* All prefixes of all rulesets on the host. NO_PREALLOC is required for LPM tries. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 4194304);
	__type(key, struct nf_rule_key);
	__type(value, struct nf_rule_value);
} nf_rules SEC(".maps");

/* The exact hosts (/32, /128) of rulesets with NF_RULESET_HAS_HOSTS. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 4194304);
	__type(key, struct nf_host_key);
	__type(value, struct nf_rule_value);
} nf_hosts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__type(key, struct nf_portlist_key);
	__type(value, struct nf_portlist);
} nf_portlists SEC(".maps");

/* Storage of the cgroup the running program is attached to (not of the socket's cgroup). */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_STORAGE);
	__type(key, __u64);
	__type(value, struct nf_cg_policy);
} nf_cg_policy SEC(".maps");

/* Which confinements each socket was created under, for own-loopback rules. */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_CLONE);
	__type(key, int);
	__type(value, struct nf_sk_scopes);
} nf_sk_scopes SEC(".maps");

/*
 * Addresses learned from DNS answers. LRU: a full map forgets the addresses least recently used,
 * and the lookups of live flows keep theirs.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 262144);
	__type(key, struct nf_learned_key);
	__type(value, struct nf_learned_value);
} nf_learned SEC(".maps");

/* Where steered DNS queries were going, by the index in their 127.I.I.I destination. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct nf_dns_steer);
} nf_dns_steer SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE);
	__type(key, __u64);
	__type(value, struct nf_cg_stats);
} nf_cg_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1048576);
	__type(key, __u32);
	__type(value, struct nf_ruleset_info);
} nf_rulesets SEC(".maps");

/*
 * Denial events for the agent; 4 MiB hold about 50k events, 50 ms of the fastest flood the event
 * path has seen, against a reader that drains it at least every 2 ms (and, mapped into the agent
 * twice over, every MiB here is two of the agent's RSS). A ring buffer has no value type,
 * so this unused global puts struct nf_event in the object's BTF for the ABI layout test.
 */
struct nf_event nf_event_btf_anchor __attribute__((unused));

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} nf_events SEC(".maps");

/* The rate limit's memory of recent denials; the least recently denied flows are forgotten. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct nf_ratelimit_key);
	__type(value, struct nf_ratelimit_value);
} nf_ratelimit SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NF_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} nf_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nf_meta);
} nf_meta SEC(".maps");

#endif /* __NETFENCE_MAPS_BPF_H */
