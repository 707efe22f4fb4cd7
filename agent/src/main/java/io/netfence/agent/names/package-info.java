/**
 * Name rules at run time: the DNS proxy that answers the DNS queries the kernel steers to it
 * (see nf_dns_steer), refuses names no rule allows, and learns the addresses of allowed names
 * into nf_learned before the answer reaches the program. Uses datapath (the maps), datapath.abi
 * and policy.
 */
package io.netfence.agent.names;
