// SPDX-License-Identifier: Apache-2.0
/*
 * nf-sandbox: starts the command of `netfence run` inside the run's cgroup, in namespaces that
 * keep it there. netfence (root) runs it; it is not a tool of its own.
 *
 *   nf-sandbox --procs CGROUP_PROCS [--user USER|UID] [--netns] [--keep-privileges]
 *              -- EXECUTABLE ARGV0 [ARGS...]
 *   nf-sandbox --agent [--user USER|UID] [--netns] [--keep-privileges] -- EXECUTABLE ARGV0 [ARGS...]
 *   nf-sandbox --client LAUNCHER run [RUN OPTIONS] -- COMMAND [ARGS...]   (client.c)
 *
 * The command runs as USER, else as the user sudo was invoked by (SUDO_UID, that user's primary
 * and supplementary groups), else as root inside a user namespace in which uid 0 is the host's
 * nobody. It gets a mount namespace where every cgroup filesystem is read-only and bpffs is gone
 * (it cannot leave its cgroup or touch netfence's pins), a PID namespace with its own /proc (it
 * cannot ptrace or signal anything outside), no capabilities, an empty bounding set and
 * no_new_privs (it cannot get any back), and with --netns a network namespace of its own with
 * only loopback. --keep-privileges skips all of that: the command only joins the cgroup, as
 * host root.
 *
 * With --agent (a `netfence run` through the agent) it stops itself at once instead of joining
 * the cgroup; the netfence agent moves it into the run's cgroup and the CLI lets it continue.
 * With --client it is that CLI itself, for runs through the agent without a JVM (client.c). As
 * root it then goes on as above. As any other user (--user and --keep-privileges are root's) it
 * takes a user namespace of its own (the user stays the user), a PID namespace with its own /proc
 * and the rest as above, all without privilege.
 *
 * Exit status: the command's, 128+N when signal N killed it, 125 when the sandbox could not be
 * set up, 126/127 when the command could not be executed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <net/if.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nf-sandbox.h"

#define NOBODY 65534
#define MAX_GROUPS 256
#define LAST_CAPABILITY 63

static const int forwarded[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
static volatile pid_t forward_to;
static int interactive;

void die(const char *format, ...)
{
	va_list args;

	fputs("netfence: ", stderr);
	va_start(args, format);
	vfprintf(stderr, format, args);
	va_end(args);
	fputc('\n', stderr);
	exit(EXIT_SETUP);
}

struct identity {
	uid_t uid;
	gid_t gid;
	gid_t groups[MAX_GROUPS];
	int ngroups;
	int root_in_userns; /* uid 0 inside a user namespace, nobody outside */
};

static void resolve(struct identity *id, const char *user)
{
	const char *sudo_uid = getenv("SUDO_UID");
	struct passwd *pw;
	unsigned long number;
	char *end;

	memset(id, 0, sizeof(*id));
	if (!user && sudo_uid && strcmp(sudo_uid, "0") != 0)
		user = sudo_uid;
	if (!user) {
		id->root_in_userns = 1;
		return;
	}
	number = strtoul(user, &end, 10);
	pw = *user && !*end ? getpwuid(number) : getpwnam(user);
	if (!pw && *user && !*end && number != 0 && number < NOBODY) {
		id->uid = number; /* a uid without a passwd entry: its own group, no others */
		id->gid = number;
		return;
	}
	if (!pw)
		die("no such user '%s' (--user takes a name or a uid)", user);
	if (pw->pw_uid == 0) {
		id->root_in_userns = 1; /* root inside, never host root */
		return;
	}
	id->uid = pw->pw_uid;
	id->gid = pw->pw_gid;
	id->ngroups = MAX_GROUPS;
	if (getgrouplist(pw->pw_name, id->gid, id->groups, &id->ngroups) < 0)
		die("user %s is in more than %d groups", pw->pw_name, MAX_GROUPS);
}

/* "\040" in mountinfo stands for a space, and so on */
static void unescape(char *s)
{
	char *out = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] && s[3]) {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = 0;
}

static unsigned long flags_of(const char *options)
{
	unsigned long flags = 0;

	if (strstr(options, "nosuid"))
		flags |= MS_NOSUID;
	if (strstr(options, "nodev"))
		flags |= MS_NODEV;
	if (strstr(options, "noexec"))
		flags |= MS_NOEXEC;
	return flags;
}

/* In this (private) mount namespace: cgroup filesystems read-only, bpf filesystems gone. */
static void lock_down_mounts(void)
{
	char line[4096];
	FILE *mounts;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("cannot make the mounts private: %s", strerror(errno));
	mounts = fopen("/proc/self/mountinfo", "re");
	if (!mounts)
		die("cannot read /proc/self/mountinfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), mounts)) {
		char point[4096], options[1024], type[256];
		char *separator = strstr(line, " - ");

		if (!separator || sscanf(line, "%*s %*s %*s %*s %4095s %1023s", point, options) != 2 ||
		    sscanf(separator + 3, "%255s", type) != 1)
			continue;
		unescape(point);
		if (!strcmp(type, "cgroup2") || !strcmp(type, "cgroup")) {
			if (mount(NULL, point, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | flags_of(options), NULL) < 0)
				die("cannot make %s read-only: %s", point, strerror(errno));
		} else if (!strcmp(type, "bpf")) {
			if (umount2(point, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
				die("cannot unmount %s: %s", point, strerror(errno));
		}
	}
	fclose(mounts);
}

static void loopback_up(void)
{
	struct ifreq request = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	strcpy(request.ifr_name, "lo");
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &request) < 0)
		die("cannot read the loopback device: %s", strerror(errno));
	request.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &request) < 0)
		die("cannot bring up loopback: %s", strerror(errno));
	close(fd);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die("cannot write %s: %s", path, strerror(errno));
	close(fd);
}

/* Needs CAP_SETPCAP: done while still privileged. */
static void empty_bounding_set(void)
{
	for (int cap = 0; cap <= LAST_CAPABILITY; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			die("cannot drop capability %d from the bounding set: %s", cap, strerror(errno));
}

static void drop_capabilities(void)
{
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct none[2] = { 0 };

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		die("cannot clear the ambient capabilities: %s", strerror(errno));
	if (syscall(SYS_capset, &header, none) < 0)
		die("cannot drop capabilities: %s", strerror(errno));
}

static void become(const struct identity *id)
{
	if (setgroups(id->ngroups, id->groups) < 0 || setresgid(id->gid, id->gid, id->gid) < 0)
		die("cannot take the groups of uid %u: %s", id->uid, strerror(errno));
	empty_bounding_set();
	if (setresuid(id->uid, id->uid, id->uid) < 0)
		die("cannot become uid %u: %s", id->uid, strerror(errno));
	drop_capabilities();
}

static void forward(int signal)
{
	if (signal == SIGINT && interactive)
		return; /* the terminal sent it to the command's process group already */
	if (forward_to > 0)
		kill(forward_to, signal);
}

static void forward_signals(void)
{
	struct sigaction action = { .sa_handler = forward, .sa_flags = SA_RESTART };

	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaction(forwarded[i], &action, NULL);
}

/* Waits for pid (reaping any other child meanwhile) and exits as it did. */
static void __attribute__((noreturn)) exit_like(pid_t pid)
{
	for (;;) {
		int status;
		pid_t done = waitpid(-1, &status, 0);

		if (done < 0 && errno == EINTR)
			continue;
		if (done < 0)
			die("lost the command: %s", strerror(errno));
		if (done != pid)
			continue;
		if (WIFSIGNALED(status))
			exit(128 + WTERMSIG(status));
		exit(WEXITSTATUS(status));
	}
}

static void exec_command(char **command)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execv(command[0], command + 1);
	fprintf(stderr, "netfence: cannot execute %s: %s\n", command[0], strerror(errno));
	exit(errno == ENOENT ? 127 : 126);
}

/*
 * The last step of PID 1 of a run's PID namespace, its privileges dropped: no privilege can come
 * back, the command is its child, and when the command ends everything else there ends too.
 */
static void start_command_as_init(char **command)
{
	pid_t pid;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("cannot set no_new_privs: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0)
		exec_command(command);
	forward_to = pid;
	forward_signals();
	exit_like(pid);
}

/* PID 1 of the run's PID namespace: the command is its child; when it ends, everything ends. */
static void init(const struct identity *id, int ready, int mapped, char **command)
{
	char byte = 0;

	/* a mount namespace of its own for the new /proc: the parent keeps the host's, to map our ids */
	if (unshare(CLONE_NEWNS) < 0 || mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("cannot mount /proc: %s", strerror(errno));
	if (id->root_in_userns) {
		if (unshare(CLONE_NEWUSER) < 0)
			die("cannot create a user namespace: %s", strerror(errno));
		if (write(ready, &byte, 1) != 1 || read(mapped, &byte, 1) != 1)
			die("the user namespace was not mapped");
		/* until it changes ids, the process is still host root (a uid the map does not name) */
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
			die("cannot become root of the user namespace: %s", strerror(errno));
		empty_bounding_set();
		drop_capabilities();
	} else {
		become(id);
	}
	start_command_as_init(command);
}

/* The cgroup this process is in, as /proc/self/cgroup says (cgroup2: "0::PATH"). */
static void own_cgroup(char *path, size_t size)
{
	char line[4096];
	FILE *f = fopen("/proc/self/cgroup", "re");

	path[0] = 0;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3))
			snprintf(path, size, "%s", line + 3);
	if (f)
		fclose(f);
}

/*
 * A run through the agent: stops at once; the agent moves this process into the run's cgroup and
 * the CLI lets it continue. Refuses to go on if it was not moved.
 */
void await_agent(const char *command)
{
	char before[4096], after[4096];

	own_cgroup(before, sizeof(before));
	raise(SIGSTOP);
	own_cgroup(after, sizeof(after));
	if (!strcmp(before, after))
		die("the netfence agent did not move this run into its cgroup; not running %s unconfined", command);
}

/*
 * An unprivileged run: the agent has moved this process into the run's cgroup while it was
 * stopped. A user namespace in which the user is still the user gives it the right to make a PID
 * namespace (and a network namespace) of its own; nothing here needs privilege.
 */
static void run_for_agent(int netns, char **command)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();
	pid_t pid;

	interactive = isatty(STDIN_FILENO);
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | (netns ? CLONE_NEWNET : 0)) < 0)
		die("cannot create namespaces (%s): unprivileged user namespaces may be off on this host "
		    "(sysctl kernel.unprivileged_userns_clone, user.max_user_namespaces)", strerror(errno));
	snprintf(map, sizeof(map), "%u %u 1\n", uid, uid);
	write_file("/proc/self/uid_map", map);
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "%u %u 1\n", gid, gid);
	write_file("/proc/self/gid_map", map);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("cannot make the mounts private: %s", strerror(errno));
	if (netns)
		loopback_up();
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			die("cannot mount /proc: %s", strerror(errno));
		empty_bounding_set();
		drop_capabilities();
		start_command_as_init(command);
	}
	forward_to = pid;
	forward_signals();
	exit_like(pid);
}

/* Maps uid and gid 0 of the child's new user namespace to nobody on the host. */
static void map_root_to_nobody(pid_t child, int ready, int mapped)
{
	char path[64], map[32], byte;

	if (read(ready, &byte, 1) != 1)
		exit_like(child); /* the child failed and said why */
	snprintf(map, sizeof(map), "0 %d 1\n", NOBODY);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", child);
	write_file(path, map);
	snprintf(path, sizeof(path), "/proc/%d/setgroups", child);
	write_file(path, "deny");
	snprintf(path, sizeof(path), "/proc/%d/gid_map", child);
	write_file(path, map);
	if (write(mapped, &byte, 1) != 1)
		die("cannot tell the sandbox its user namespace is ready");
}

/*
 * Reads nf-sandbox's options from argv[from] on into launch; the command follows "--". Returns
 * 0, or -1 on an argument it does not know.
 */
int parse_launch(int argc, char **argv, int from, struct launch *launch)
{
	memset(launch, 0, sizeof(*launch));
	for (int i = from; i < argc; i++) {
		if (!strcmp(argv[i], "--procs") && i + 1 < argc) {
			launch->procs = argv[++i];
		} else if (!strcmp(argv[i], "--user") && i + 1 < argc) {
			launch->user = argv[++i];
		} else if (!strcmp(argv[i], "--netns")) {
			launch->netns = 1;
		} else if (!strcmp(argv[i], "--keep-privileges")) {
			launch->keep = 1;
		} else if (!strcmp(argv[i], "--agent")) {
			launch->agent = 1;
		} else if (!strcmp(argv[i], "--") && i + 2 < argc) {
			launch->command = argv + i + 1;
			return 0;
		} else {
			fprintf(stderr, "netfence: nf-sandbox: unexpected argument '%s'\n", argv[i]);
			return -1;
		}
	}
	return launch->command ? 0 : -1;
}

/* The rest of the launch, once this process is in the run's cgroup (it never returns). */
void sandbox_in_cgroup(const struct launch *launch)
{
	int ready[2], mapped[2];
	struct identity id;
	pid_t pid;

	if (launch->agent && geteuid() != 0)
		run_for_agent(launch->netns, launch->command);
	if (launch->keep)
		exec_command(launch->command);
	resolve(&id, launch->user);
	interactive = isatty(STDIN_FILENO);
	if (unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | (launch->netns ? CLONE_NEWNET : 0)) < 0)
		die("cannot create namespaces: %s", strerror(errno));
	lock_down_mounts();
	if (launch->netns)
		loopback_up();
	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(mapped, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		init(&id, ready[1], mapped[0], launch->command);
	}
	/* the child's ends: a child that dies early must read as EOF here, not as a wait forever */
	close(ready[1]);
	close(mapped[0]);
	forward_to = pid;
	forward_signals();
	if (id.root_in_userns)
		map_root_to_nobody(pid, ready[0], mapped[1]);
	exit_like(pid);
}

/* Refuses the options a user without root may not give to a run through the agent. */
void check_agent_launch(const struct launch *launch)
{
	if (launch->agent && geteuid() != 0 && (launch->user || launch->keep))
		die("nf-sandbox: --user and --keep-privileges are root's");
}

int main(int argc, char **argv)
{
	struct launch launch;

	if (argc > 1 && !strcmp(argv[1], "--client"))
		return run_client(argc, argv);
	if (parse_launch(argc, argv, 1, &launch) < 0 || (!launch.procs == !launch.agent))
		die("usage: nf-sandbox --procs PATH|--agent [--user USER] [--netns] [--keep-privileges] -- EXE ARGV0 [ARGS...]\n"
		    "       nf-sandbox --client LAUNCHER run [RUN OPTIONS] -- COMMAND [ARGS...]");
	check_agent_launch(&launch);
	/* first of all: nothing of the command ever runs outside the run's cgroup */
	if (launch.agent)
		await_agent(launch.command[0]);
	else
		write_file(launch.procs, "0");
	sandbox_in_cgroup(&launch);
	return EXIT_SETUP;
}
