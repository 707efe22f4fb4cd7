// SPDX-License-Identifier: Apache-2.0
/*
 * `netfence run` through the agent, without a JVM: the launcher (bin/netfence, /usr/bin/netfence)
 * starts
 *
 *   nf-sandbox --client LAUNCHER run [RUN OPTIONS] -- COMMAND [ARGS...]
 *
 * which forks the sandbox stopped, sends the run options as they were typed to the agent's run
 * socket (POST /v1/runs {"pid", "args"}), and lets the sandbox go on once the agent has moved it
 * into the run's cgroup; the agent parses the options with the Java CLI's own parser and answers
 * with the sandbox's options. Afterwards it asks for the run's summary (DELETE /v1/runs/ID).
 *
 * Whatever this path does not do itself is done by the Java CLI, with the same arguments: the
 * client then executes LAUNCHER with NETFENCE_CLIENT=off. That is the case when there is no agent
 * on the run socket, COMMAND is not found, an option is malformed, or the agent answers 422 (a run
 * root's CLI makes itself: --learn, --cgroup-parent, --rules-file, name rules, --help, ...).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json.h"
#include "nf-sandbox.h"

#define DEFAULT_RUN_SOCKET "/run/netfence/run.sock"
#define EXIT_USAGE 2
#define MAX_REPLY (1 << 20)
#define MAX_LAUNCH_OPTIONS 16
#define FALLBACK 422 /* the agent's "a run the CLI makes itself" */
#define AGENT_TIMEOUT_SECONDS 60

/* what the Java CLI forwards too (nf-sandbox's inner list, for the command itself, is its own) */
static const int forwarded[] = { SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGINT };
static volatile pid_t sandbox;

/* ---- the Java CLI, for everything this path leaves to it ---- */

static char **run_argv; /* "run" [RUN OPTIONS] -- COMMAND [ARGS...] */
static const char *launcher;
static sigset_t original_mask; /* as the client was started with: restored for the Java CLI and the run */

static void __attribute__((noreturn)) fall_back(void)
{
	char **argv = run_argv - 1; /* argv[0] of the launcher: the slot before "run" */

	argv[0] = (char *)launcher;
	setenv("NETFENCE_CLIENT", "off", 1);
	sigprocmask(SIG_SETMASK, &original_mask, NULL);
	execv(launcher, argv);
	fprintf(stderr, "netfence: cannot execute %s: %s\n", launcher, strerror(errno));
	exit(EXIT_USAGE);
}

/* ---- HTTP/1.1 over the agent's unix socket ---- */

struct reply {
	int status;
	struct text raw;
	const char *body;
};

static int connect_agent(const char *path)
{
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	struct timeval timeout = { .tv_sec = AGENT_TIMEOUT_SECONDS }; /* as the Java CLI's client gives up */
	int fd;

	if (strlen(path) >= sizeof(address.sun_path))
		return -1;
	strcpy(address.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) < 0 ||
			setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout)) < 0 ||
			connect(fd, (struct sockaddr *)&address, sizeof(address)) < 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Sends one request on fd and reads the whole answer (the agent closes after it); -1 if none came. */
static int exchange(int fd, const char *method, const char *path, const struct text *body, struct reply *reply)
{
	struct text request = { 0 };
	char head[256];
	ssize_t n;

	snprintf(head, sizeof(head), "%s %s HTTP/1.1\r\nHost: netfence\r\nContent-Type: application/json\r\n"
		 "Content-Length: %zu\r\nConnection: close\r\n\r\n", method, path, body ? body->length : 0);
	append_str(&request, head);
	if (body)
		append(&request, body->data, body->length);
	for (size_t sent = 0; sent < request.length; sent += (size_t)n) {
		n = send(fd, request.data + sent, request.length - sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			n = 0;
		else if (n < 0)
			return -1;
	}
	free(request.data);
	memset(reply, 0, sizeof(*reply));
	for (;;) {
		char chunk[16384];

		n = recv(fd, chunk, sizeof(chunk), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (reply->raw.length + (size_t)n > MAX_REPLY)
			return -1;
		append(&reply->raw, chunk, (size_t)n);
	}
	if (!reply->raw.data || sscanf(reply->raw.data, "HTTP/1.1 %d", &reply->status) != 1)
		return -1;
	reply->body = strstr(reply->raw.data, "\r\n\r\n");
	reply->body = reply->body ? reply->body + 4 : "";
	return 0;
}

/* The reply's errors on stderr, as the Java CLI prints them: "netfence: E", or "netfence: N errors:" and each. */
static void print_errors(const struct reply *reply)
{
	const char *p = json_field(reply->body, "errors");
	struct text errors = { 0 };
	int count = 0;

	for (p = p && *p == '[' ? skip_space(p + 1) : NULL; p && *p == '"'; count++) {
		p = json_string(p, &errors);
		append(&errors, "", 1);
		if (p && *(p = skip_space(p)) == ',')
			p = skip_space(p + 1);
	}
	if (count == 0)
		fprintf(stderr, "netfence: the agent answered %d\n", reply->status);
	else if (count == 1)
		fprintf(stderr, "netfence: %s\n", errors.data);
	else
		fprintf(stderr, "netfence: %d errors:\n", count);
	for (size_t at = 0; count > 1 && at < errors.length; at += strlen(errors.data + at) + 1)
		fprintf(stderr, "  %s\n", errors.data + at);
	free(errors.data);
}

/*
 * The answer's "launch", the sandbox's options, into options as NUL-terminated strings; -1 unless
 * it is there and a whole list of strings: the options decide whether the command gets a network
 * of its own, so a run never goes on with some of them missing.
 */
static int launch_options(const char *body, struct text *options)
{
	const char *p = json_field(body, "launch");

	append(options, "", 0);
	if (!p || *p != '[')
		return -1;
	for (p = skip_space(p + 1); *p == '"';) {
		p = json_string(p, options);
		if (!p)
			return -1;
		append(options, "", 1); /* the NUL after each option */
		p = skip_space(p);
		if (*p == ',')
			p = skip_space(p + 1);
		else if (*p != ']')
			return -1;
	}
	return *p == ']' ? 0 : -1;
}

/* ---- the run ---- */

/* COMMAND as PATH lookup finds it (a name with '/' is a path), or NULL. */
static char *find_executable(const char *name)
{
	const char *path = getenv("PATH");
	struct stat st;

	if (strchr(name, '/'))
		return access(name, F_OK) == 0 ? strdup(name) : NULL;
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *dir = path;; dir = strchr(dir, ':') + 1) {
		size_t length = strcspn(dir, ":");
		char *candidate;

		if (asprintf(&candidate, "%.*s/%s", (int)(length ? length : 1), length ? dir : ".", name) < 0)
			die("out of memory");
		if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode) && access(candidate, X_OK) == 0)
			return candidate;
		free(candidate);
		if (!dir[length])
			return NULL;
	}
}

/*
 * The sandbox's side: stop until the agent has moved this process into the run's cgroup, then take
 * the launch options the agent chose from the client and go on as nf-sandbox --agent does.
 */
static void __attribute__((noreturn)) sandbox_child(pid_t client, int options_fd, char *executable, char **command)
{
	static char buffer[4096];
	char *argv[MAX_LAUNCH_OPTIONS];
	struct launch launch;
	size_t length = 0;
	ssize_t n;
	int argc = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL); /* a client gone (kill -9) takes the run with it */
	if (getppid() != client)
		exit(EXIT_SETUP); /* it went before the line above */
	await_agent(command[0]);
	while ((n = read(options_fd, buffer + length, sizeof(buffer) - 1 - length)) > 0)
		length += (size_t)n;
	if (n < 0)
		die("cannot read the run's options: %s", strerror(errno));
	buffer[length] = 0;
	for (size_t at = 0; at < length && argc < MAX_LAUNCH_OPTIONS; at += strlen(buffer + at) + 1)
		argv[argc++] = buffer + at;
	memset(&launch, 0, sizeof(launch));
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--user") && i + 1 < argc)
			launch.user = argv[++i];
		else if (!strcmp(argv[i], "--netns"))
			launch.netns = 1;
		else if (!strcmp(argv[i], "--keep-privileges"))
			launch.keep = 1;
		else
			die("unexpected sandbox option '%s' from the agent", argv[i]);
	}
	launch.agent = 1;
	command[-1] = executable; /* EXECUTABLE ARGV0 [ARGS...]: the slot before the command is "--" */
	launch.command = command - 1;
	check_agent_launch(&launch);
	sandbox_in_cgroup(&launch);
}

static void forward(int signal)
{
	if (sandbox > 0)
		kill(sandbox, signal);
}

/* From now on, signals sent to netfence go to the run (SIGINT only without a terminal: it has its own). */
static void forward_signals(void)
{
	struct sigaction action = { .sa_handler = forward, .sa_flags = SA_RESTART };
	struct sigaction ignore = { .sa_handler = SIG_IGN };
	int terminal = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);

	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaction(forwarded[i], forwarded[i] == SIGINT && terminal ? &ignore : &action, NULL);
	sigprocmask(SIG_SETMASK, &original_mask, NULL);
}

/* Waits for the sandbox; its exit status, or 128+N when signal N ended it. */
static int wait_sandbox(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("lost the run: %s", strerror(errno));
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

static void kill_sandbox(pid_t pid)
{
	kill(pid, SIGKILL);
	wait_sandbox(pid);
}

/* The summary line of the run's denials, printed as the Java CLI prints it. */
static void finish(const char *socket_path, const char *id)
{
	struct text summary = { 0 };
	struct reply reply;
	char path[128];
	const char *field;
	int fd = connect_agent(socket_path);

	snprintf(path, sizeof(path), "/v1/runs/%s", id);
	if (fd < 0 || exchange(fd, "DELETE", path, NULL, &reply) < 0) {
		fprintf(stderr, "netfence: the agent did not answer for the end of run %s\n", id);
	} else if (reply.status != 200) {
		print_errors(&reply);
	} else if ((field = json_field(reply.body, "summary")) && json_string(field, &summary) && summary.length) {
		fprintf(stderr, "%s\n", summary.data);
	}
	if (fd >= 0)
		close(fd);
}

int run_client(int argc, char **argv)
{
	const char *socket_path = DEFAULT_RUN_SOCKET;
	struct text request = { 0 }, id = { 0 }, options = { 0 };
	struct reply reply;
	sigset_t blocked;
	char *executable, **command = NULL;
	const char *field;
	int status, pipe_fds[2], fd, end = -1;
	pid_t pid, client;

	if (argc < 4 || strcmp(argv[3], "run"))
		die("usage: nf-sandbox --client LAUNCHER run [RUN OPTIONS] -- COMMAND [ARGS...]");
	launcher = argv[2];
	run_argv = argv + 3;
	for (int i = 4; i < argc && end < 0; i++) {
		if (!strcmp(argv[i], "--"))
			end = i;
		else if (!strcmp(argv[i], "--run-socket") && i + 1 < argc)
			socket_path = argv[++i];
		else if (!strncmp(argv[i], "--run-socket=", 13))
			socket_path = argv[i] + 13;
	}
	if (end < 0 || end + 1 >= argc)
		fall_back(); /* no "--": the CLI's parser says what it makes of it */
	command = argv + end + 1;
	executable = find_executable(command[0]);
	fd = executable ? connect_agent(socket_path) : -1;
	if (fd < 0)
		fall_back(); /* no agent (root's CLI runs alone, a user's says how to get one), or no such command */
	close(fd); /* a probe: the request goes on a connection of its own once the sandbox waits */

	/* the sandbox, stopped until the agent has moved it; signals wait until it runs */
	sigemptyset(&blocked);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&blocked, forwarded[i]);
	sigprocmask(SIG_BLOCK, &blocked, &original_mask);
	if (pipe2(pipe_fds, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	client = getpid();
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(pipe_fds[1]);
		sigprocmask(SIG_SETMASK, &original_mask, NULL);
		sandbox_child(client, pipe_fds[0], executable, command);
	}
	close(pipe_fds[0]);
	while (waitpid(pid, &status, WUNTRACED) < 0)
		if (errno != EINTR)
			die("lost the sandbox: %s", strerror(errno));
	if (!WIFSTOPPED(status))
		exit(WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status)); /* it said why */

	append_str(&request, "{\"pid\":");
	char number[24];
	snprintf(number, sizeof(number), "%d", pid);
	append_str(&request, number);
	append_str(&request, ",\"args\":[");
	for (int i = 4; i < end; i++) {
		if (i > 4)
			append_str(&request, ",");
		append_json_string(&request, argv[i]);
	}
	append_str(&request, "]}");
	fd = connect_agent(socket_path);
	if (fd < 0 || exchange(fd, "POST", "/v1/runs", &request, &reply) < 0) {
		kill_sandbox(pid);
		fprintf(stderr, "netfence: the netfence agent on %s did not answer; %s did not run\n", socket_path, command[0]);
		return EXIT_USAGE;
	}
	close(fd);
	if (reply.status == FALLBACK) {
		kill_sandbox(pid);
		fall_back();
	}
	if (reply.status != 200) {
		kill_sandbox(pid);
		print_errors(&reply);
		return EXIT_USAGE;
	}
	field = json_field(reply.body, "id");
	if (!field || !json_string(field, &id) || strspn(id.data, "0123456789") != id.length || id.length == 0) {
		kill_sandbox(pid);
		die("the agent's answer names no run");
	}
	if (launch_options(reply.body, &options) < 0) {
		kill_sandbox(pid);
		finish(socket_path, id.data);
		die("the agent's answer gives no launch options; %s did not run", command[0]);
	}
	if (write(pipe_fds[1], options.data, options.length) != (ssize_t)options.length) {
		kill_sandbox(pid);
		finish(socket_path, id.data);
		die("cannot hand the run its options: %s", strerror(errno));
	}
	close(pipe_fds[1]);
	sandbox = pid;
	forward_signals();
	kill(pid, SIGCONT);
	status = wait_sandbox(pid);
	finish(socket_path, id.data);
	return status;
}
