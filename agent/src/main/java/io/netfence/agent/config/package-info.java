/**
 * The agent's config and policy files: reading, validating and writing them. Uses policy and
 * SnakeYAML; nothing of the kernel.
 */
package io.netfence.agent.config;
