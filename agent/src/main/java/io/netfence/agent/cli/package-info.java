/**
 * The {@code netfence} command line: one picocli command per verb. The commands that talk to
 * the agent ({@code status}, {@code policies}, {@code apply}, {@code delete}, {@code events}) share
 * {@code ApiOptions} and read typed replies through api/'s client and codec.
 *
 * <p>May use every other package; nothing uses it.
 */
package io.netfence.agent.cli;
