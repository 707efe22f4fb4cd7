/**
 * The {@code netfence} command line: one picocli command per verb, argument parsing, preflight
 * checks and exit codes. The commands that talk to the agent ({@code status}, {@code policies},
 * {@code apply}, {@code delete}, {@code events}) share {@code ApiOptions} and read typed replies
 * through api/'s client and codec.
 *
 * <p>Start-up is most of a command's time: {@code CommandTree} builds picocli's model of the command
 * being run only, and {@code StartupCache} (with {@code ArchiveTraining}) makes the class-data
 * sharing archive and JNA's library the launchers start from (docs/benchmarks.md, "Start-up").
 *
 * <p>May use every package above the loader, and of the loader only its public API; nothing uses it.
 */
package io.netfence.agent.cli;
