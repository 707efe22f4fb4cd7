/**
 * Byte-exact mirrors of bpf/include/netfence_abi.h: constants, keys and values, encoded and
 * decoded in host order. Uses only policy's values and java.base; nothing above it.
 */
package io.netfence.agent.datapath.abi;
