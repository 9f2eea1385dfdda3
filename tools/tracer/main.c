// SPDX-License-Identifier: GPL-2.0-only
/*
 * tracer: add processes to the tracer kernel module, show their counters,
 * run a command under it.  See tracer(1).
 */
#include <string.h>

#include "tracer.h"

#ifndef TRACER_VERSION
#define TRACER_VERSION "unknown"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tracer COMMAND [ARGS]\n"
		"\n"
		"Count kernel operations per process with the tracer module.\n"
		"\n"
		"commands:\n"
		"  run [--json] [-o FILE] -- CMD [ARGS...]\n"
		"                     run CMD monitored from its first instruction,\n"
		"                     print its counters when it exits\n"
		"  show [--json | --prometheus] [-o FILE]\n"
		"                     the monitored processes and their counters\n"
		"  top [-d SECONDS] [-n ITER] [-s COLUMN]\n"
		"                     monitored processes, refreshed, with rates\n"
		"  add PID...         start monitoring processes\n"
		"  remove PID...      stop monitoring processes\n"
		"\n"
		"tracer COMMAND --help describes a command; see tracer(1).\n");
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} cmds[] = {
		{ "run", cmd_run }, { "show", cmd_show }, { "top", cmd_top },
		{ "add", cmd_add }, { "remove", cmd_remove },
	};
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("tracer %s\n", TRACER_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	errmsg("unknown command '%s' (try tracer --help)", argv[1]);
	return 2;
}
