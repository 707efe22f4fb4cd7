// SPDX-License-Identifier: Apache-2.0
/*
 * Load generator for netfence's benchmarks; never the JVM in the measured path.
 *   netload server PORT                 TCP echo (one epoll loop, no thread per connection) + UDP echo on PORT
 *   netload crr ADDR PORT SECONDS       connect()+close() loop: prints connections/s
 *   netload tcp_rr ADDR PORT SECONDS    1-byte request/response on one TCP connection: transactions/s
 *   netload udp_rr ADDR PORT SECONDS    1-byte request/response over UDP: transactions/s
 *   netload deny_flood ADDR SECONDS     connect() to ADDR, a new port each time (expects EPERM): attempts/s
 *   netload sink ADDR PORT SECONDS      a UDP socket bound to ADDR:PORT that reads nothing, for SECONDS
 *   netload udp_flood SRC DST PORT SECONDS  1-byte datagrams from SRC to DST:PORT, sendmmsg() in batches
 *                                       (the sink's ingress policy drops them): datagrams/s and count
 * Every loop stops after SECONDS: nothing here runs unbounded.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static struct sockaddr_in address(const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
		fprintf(stderr, "bad address %s\n", ip);
		exit(2);
	}
	return a;
}

/* Echoes what arrived on a connection; false when it is finished (EOF, RST or error). */
static int echo_once(int fd)
{
	char buffer[65536];
	ssize_t n = read(fd, buffer, sizeof(buffer));

	if (n <= 0)
		return n < 0 && errno == EAGAIN;
	return write(fd, buffer, n) == n;
}

static void *udp_echo(void *arg)
{
	int port = (int)(long)arg;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	char buffer[2048];

	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("bind udp");
		exit(1);
	}
	for (;;) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		ssize_t n = recvfrom(fd, buffer, sizeof(buffer), 0, (struct sockaddr *)&peer, &len);

		if (n > 0)
			sendto(fd, buffer, n, 0, (struct sockaddr *)&peer, len);
	}
	return NULL;
}

/*
 * One thread serves every TCP connection through epoll, so connect()+close() measures the
 * kernel's connection path, not the cost of creating a thread per accepted connection.
 */
static int server(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct epoll_event listen_event = { .events = EPOLLIN, .data.fd = fd };
	struct epoll_event ready[256];
	pthread_t t;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4096) < 0) {
		perror("bind tcp");
		return 1;
	}
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &listen_event);
	pthread_create(&t, NULL, udp_echo, (void *)(long)port);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		int n = epoll_wait(ep, ready, 256, -1);

		for (int i = 0; i < n; i++) {
			int c = ready[i].data.fd;

			if (c != fd) {
				if (!echo_once(c))
					close(c); /* also leaves the epoll set */
				continue;
			}
			while ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
				struct epoll_event event = { .events = EPOLLIN, .data.fd = c };

				setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
				epoll_ctl(ep, EPOLL_CTL_ADD, c, &event);
			}
		}
	}
}

static int crr(const char *ip, int port, double seconds)
{
	struct sockaddr_in a = address(ip, port);
	struct linger l = { .l_onoff = 1, .l_linger = 0 }; /* RST on close: no TIME_WAIT pile-up */
	double start = now(), end = start + seconds;
	long n = 0, failed = 0;

	while (now() < end) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
			n++;
		else
			failed++;
		close(fd);
	}
	printf("%.0f\n", n / (now() - start));
	if (failed)
		fprintf(stderr, "%ld connects failed\n", failed);
	return 0;
}

static int tcp_rr(const char *ip, int port, double seconds)
{
	struct sockaddr_in a = address(ip, port);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	double start, end;
	long n = 0;
	char c = 'x';

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("connect");
		return 1;
	}
	start = now();
	end = start + seconds;
	while (now() < end) {
		if (write(fd, &c, 1) != 1 || read(fd, &c, 1) != 1)
			return 1;
		n++;
	}
	printf("%.0f\n", n / (now() - start));
	close(fd);
	return 0;
}

static int udp_rr(const char *ip, int port, double seconds)
{
	struct sockaddr_in a = address(ip, port);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct timeval timeout = { .tv_sec = 0, .tv_usec = 200000 };
	double start, end;
	long n = 0;
	char c = 'x';

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	start = now();
	end = start + seconds;
	while (now() < end) {
		if (sendto(fd, &c, 1, 0, (struct sockaddr *)&a, sizeof(a)) != 1)
			return 1;
		if (recv(fd, &c, 1, 0) == 1)
			n++;
	}
	printf("%.0f\n", n / (now() - start));
	return 0;
}

static int deny_flood(const char *ip, double seconds)
{
	double start = now(), end = start + seconds;
	long n = 0, refused = 0;
	int port = 1;

	while (now() < end) {
		struct sockaddr_in a = address(ip, port);
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 && errno == EPERM)
			refused++;
		close(fd);
		n++;
		port = port % 65535 + 1;
	}
	printf("%.0f %ld %ld\n", n / (now() - start), n, refused);
	return 0;
}

static int sink(const char *ip, int port, double seconds)
{
	struct sockaddr_in a = address(ip, port);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("bind");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	usleep((useconds_t)(seconds * 1e6));
	close(fd);
	return 0;
}

#define FLOOD_BATCH 1024

static int udp_flood(const char *src, const char *dst, int port, double seconds)
{
	struct sockaddr_in from = address(src, 0), to = address(dst, port);
	static struct mmsghdr messages[FLOOD_BATCH];
	static struct iovec payload[FLOOD_BATCH];
	char byte = 'x';
	double start = now(), end = start + seconds;
	long sent = 0;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (bind(fd, (struct sockaddr *)&from, sizeof(from)) < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("udp_flood");
		return 1;
	}
	for (int i = 0; i < FLOOD_BATCH; i++) {
		payload[i].iov_base = &byte;
		payload[i].iov_len = 1;
		messages[i].msg_hdr.msg_iov = &payload[i];
		messages[i].msg_hdr.msg_iovlen = 1;
	}
	while (now() < end) {
		int n = sendmmsg(fd, messages, FLOOD_BATCH, 0);

		if (n > 0)
			sent += n;
	}
	printf("%.0f %ld\n", sent / (now() - start), sent);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "server"))
		return server(atoi(argv[2]));
	if (argc == 5 && !strcmp(argv[1], "crr"))
		return crr(argv[2], atoi(argv[3]), atof(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "tcp_rr"))
		return tcp_rr(argv[2], atoi(argv[3]), atof(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "udp_rr"))
		return udp_rr(argv[2], atoi(argv[3]), atof(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "deny_flood"))
		return deny_flood(argv[2], atof(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "sink"))
		return sink(argv[2], atoi(argv[3]), atof(argv[4]));
	if (argc == 6 && !strcmp(argv[1], "udp_flood"))
		return udp_flood(argv[2], argv[3], atoi(argv[4]), atof(argv[5]));
	fprintf(stderr, "usage: netload server PORT | crr|tcp_rr|udp_rr ADDR PORT SECONDS | deny_flood ADDR SECONDS | sink ADDR PORT SECONDS | udp_flood SRC DST PORT SECONDS\n");
	return 2;
}
