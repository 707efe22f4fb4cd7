/**
 * The command line: one class per command, argument parsing, preflight checks and exit codes.
 * Uses every package above the loader, and of the loader only its public API.
 */
package io.netfence.agent.cli;
