// SPDX-License-Identifier: GPL-2.0-only
/* tracer show [--json | --prometheus] [-o FILE], tracer show --columns */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tracer.h"

enum show_format { SHOW_TABLE, SHOW_JSON, SHOW_PROMETHEUS };

static void show_usage(FILE *f)
{
	fprintf(f,
		"usage: tracer show [--json | --prometheus] [-o FILE]\n"
		"\n"
		"The monitored processes (those you may see), their names and\n"
		"counters from /proc/tracer.  Byte columns are human-readable;\n"
		"--json prints one JSON document with the raw integers;\n"
		"--prometheus prints Prometheus metrics (text format 0.0.4), and\n"
		"tracer_loaded 0 alone when the module is not loaded.  -o FILE\n"
		"writes FILE whole or not at all (a new file renamed over it), as\n"
		"node_exporter's textfile collector wants.  --columns lists the\n"
		"counters' names (for scripts and completion).\n");
}

static int show(FILE *f, enum show_format format)
{
	struct tracer_health h;
	struct tracer_table t;

	if (format == SHOW_PROMETHEUS && access(tracer_proc_path(), F_OK) &&
	    errno == ENOENT) {
		fmt_prometheus(f, NULL);
		return 0;
	}
	if (read_table(&t, 1))
		return 1;
	tracer_read_health(&h);
	if (format == SHOW_JSON)
		fmt_json(f, &t, &h);
	else if (format == SHOW_PROMETHEUS)
		fmt_prometheus(f, &t);
	else
		fmt_table(f, &t);
	if (format == SHOW_TABLE && !t.n)
		tracer_note_disarmed(f, &h);
	tracer_table_free(&t);
	tracer_warn_incomplete(&h);
	return 0;
}

/* FILE written whole or not at all: a new file in its folder, renamed. */
static int show_to_file(const char *path, enum show_format format)
{
	char tmp[4096];
	FILE *f;
	int err;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	f = fopen(tmp, "we");
	if (!f) {
		errmsg("%s: %s", tmp, strerror(errno));
		return 1;
	}
	err = show(f, format);
	if (fflush(f) || fsync(fileno(f))) {
		errmsg("%s: %s", tmp, strerror(errno));
		err = 1;
	}
	fclose(f);
	if (!err && rename(tmp, path)) {
		errmsg("%s: %s", path, strerror(errno));
		err = 1;
	}
	if (err)
		unlink(tmp);
	return err;
}

int cmd_show(int argc, char **argv)
{
	enum show_format format = SHOW_TABLE;
	const char *out = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			format = SHOW_JSON;
		} else if (!strcmp(argv[i], "--prometheus")) {
			format = SHOW_PROMETHEUS;
		} else if (!strcmp(argv[i], "--columns")) {
			for (i = 0; i < TRACER_NR_COUNTERS; i++)
				printf("%s\n", tracer_counter_names[i]);
			return fflush(stdout) ? 1 : 0;
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			show_usage(stdout);
			return 0;
		} else {
			errmsg("show: unknown option '%s'", argv[i]);
			show_usage(stderr);
			return 2;
		}
	}
	if (out)
		return show_to_file(out, format);
	if (show(stdout, format))
		return 1;
	return fflush(stdout) ? 1 : 0;
}
