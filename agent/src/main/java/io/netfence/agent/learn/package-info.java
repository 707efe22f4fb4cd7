/**
 * Learn mode: flows the kernel recorded, turned into policies people review and apply (rules
 * files, agent policy files), and compared against policies ({@code policy diff}). Pure: no I/O.
 * Uses policy, and datapath.abi to read the kernel's records.
 */
package io.netfence.agent.learn;
