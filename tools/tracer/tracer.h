/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tracer: the command-line front end of the tracer kernel module.
 * Shared declarations of its parts.
 */
#ifndef TRACER_CLI_H
#define TRACER_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "../lib/tracer_client.h"

/* Presentation of the module's health (format.c). */
void tracer_warn_incomplete(const struct tracer_health *h);
void tracer_note_disarmed(FILE *f, const struct tracer_health *h);

/* What tracer run saw of its command. */
struct run_result {
	int have_row;
	unsigned long long v[TRACER_NR_COUNTERS];
	char comm[64];
	int status;		/* tracer's exit status */
	int signal;		/* killed by this signal, or 0 */
};

/* format.c */
void fmt_bytes(unsigned long long v, char *buf, size_t len);
void fmt_table(FILE *f, const struct tracer_table *t);
void fmt_json_string(FILE *f, const char *s);
void fmt_json_counters(FILE *f, const unsigned long long *v);
void fmt_json(FILE *f, const struct tracer_table *t,
	      const struct tracer_health *h);
void fmt_health_json(FILE *f, const struct tracer_health *h);
/* fmt_prometheus.c: @t NULL when the module is not loaded. */
void fmt_prometheus(FILE *f, const struct tracer_table *t);
void fmt_run_human(FILE *f, pid_t pid, char **cmd,
		   const struct run_result *res);
void fmt_run_json(FILE *f, pid_t pid, char **cmd,
		  const struct run_result *res, const struct tracer_health *h);

/* util.c: the client library's calls, with their errors printed. */
int read_table(struct tracer_table *t, int with_comm);	/* 0 or -1 */
int dev_open(void);				/* fd, or -1 */
int dev_set(int fd, int add, int pid);		/* 0, or -1 */

/* main.c */
extern const char *progname;
void errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int parse_pid(const char *s, int *pid);

int cmd_add(int argc, char **argv);
int cmd_remove(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_top(int argc, char **argv);

#endif /* TRACER_CLI_H */
