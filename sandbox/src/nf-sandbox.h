/* SPDX-License-Identifier: Apache-2.0 */
/* What nf-sandbox.c (the sandbox) and client.c (`netfence run` through the agent, without a JVM) share. */
#ifndef NF_SANDBOX_H
#define NF_SANDBOX_H

/* The exit status when the sandbox could not be set up. */
#define EXIT_SETUP 125

/* How a run's command is launched: nf-sandbox's options. */
struct launch {
	const char *procs; /* --procs: the cgroup.procs to join first */
	const char *user;  /* --user */
	int netns;         /* --netns: a network namespace with only loopback */
	int keep;          /* --keep-privileges */
	int agent;         /* --agent: the agent moves this process into the run's cgroup */
	char **command;    /* EXECUTABLE ARGV0 [ARGS...] */
};

/* Prints "netfence: ..." and exits 125 (the sandbox could not be set up). */
void die(const char *format, ...) __attribute__((format(printf, 1, 2), noreturn));

int parse_launch(int argc, char **argv, int from, struct launch *launch);
void check_agent_launch(const struct launch *launch);

/* Stops this process until the agent has moved it into the run's cgroup; refuses to go on otherwise. */
void await_agent(const char *command);

/* The launch from the run's cgroup on: namespaces, identity, the command; never returns. */
void sandbox_in_cgroup(const struct launch *launch) __attribute__((noreturn));

/* nf-sandbox --client LAUNCHER run [RUN OPTIONS] -- COMMAND [ARGS...] */
int run_client(int argc, char **argv);

#endif
