// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the /proc/tracer parser and the formatting of whatever
 * it accepts.  Built with ASan and UBSan by "make fuzz".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tracer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tracer_health h = { 0, 0 };
	struct tracer_table t;
	char err[256];
	FILE *f;

	if (tracer_parse((const char *)data, size, &t, err, sizeof(err))) {
		if (t.rows || t.n || !memchr(err, '\0', sizeof(err)))
			abort();
		return 0;
	}
	f = fopen("/dev/null", "w");
	if (f) {
		fmt_table(f, &t);
		fmt_json(f, &t, &h);
		fclose(f);
	}
	tracer_table_free(&t);
	return 0;
}
