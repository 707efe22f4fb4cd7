/**
 * The {@code netfence} command line: one picocli command per verb, argument parsing, preflight
 * checks and exit codes. The commands that talk to the agent ({@code status}, {@code policies},
 * {@code apply}, {@code delete}, {@code events}) share {@code ApiOptions} and read typed replies
 * through api/'s client and codec.
 *
 * <p>May use every package above the loader, and of the loader only its public API; nothing uses it.
 */
package io.netfence.agent.cli;
