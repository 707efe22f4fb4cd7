/**
 * The native bindings (libbpf, libc) behind the loader's public types. Only io.netfence.loader
 * uses them; everything outside the loader goes through its public API.
 */
package io.netfence.loader.internal;
