// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The floor of the cgroup_skb hooks' cost: programs that allow everything and do nothing else. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("cgroup_skb/egress")
int bench_egress(struct __sk_buff *skb) { return 1; }

SEC("cgroup_skb/ingress")
int bench_ingress(struct __sk_buff *skb) { return 1; }
