// SPDX-License-Identifier: GPL-2.0-only
/* tracer show [--json] */
#include <string.h>

#include "tracer.h"

int cmd_show(int argc, char **argv)
{
	struct tracer_health h;
	struct tracer_table t;
	int i, json = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: tracer show [--json]\n\n"
			       "The monitored processes (those you may see), their names and\n"
			       "counters from /proc/tracer.  Byte columns are human-readable;\n"
			       "--json prints one JSON document with the raw integers.\n");
			return 0;
		} else {
			errmsg("show: unknown option '%s'", argv[i]);
			return 2;
		}
	}
	if (read_table(&t, 1))
		return 1;
	tracer_read_health(&h);
	if (json)
		fmt_json(stdout, &t, &h);
	else
		fmt_table(stdout, &t);
	if (!json && !t.n)
		tracer_note_disarmed(stdout, &h);
	tracer_table_free(&t);
	tracer_warn_incomplete(&h);
	return fflush(stdout) ? 1 : 0;
}
