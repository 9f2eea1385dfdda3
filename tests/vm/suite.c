// SPDX-License-Identifier: GPL-2.0-only
/*
 * The in-VM test suite: runs every test group, one line per test, then
 * "N passed, N failed".  Runs as root inside the QEMU guest, with tracer.ko
 * and tracer_test.ko loaded by /init.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "suite.h"

static int passed, failed, skipped;
static char only[64];	/* tracer.only=WORD on the kernel command line */
/* tracer.scale=PERCENT: the stress tests' counts, scaled on slower lanes */
static int stress_scale = 100;

int scaled(int count)
{
	long n = (long)count * stress_scale / 100;

	return n > 0 ? n : 1;
}
static long last_missed;

/*
 * The test now running, for /init's watchdog to name if the suite stops
 * making progress (tests/vm/init).
 */
void note_step(const char *name)
{
	FILE *f = fopen("/tmp/tracer-step", "w");

	if (f) {
		fprintf(f, "%s\n", name);
		fclose(f);
	}
}

static void run_group(const struct test *tests)
{
	for (; tests->name; tests++) {
		double start = now();
		long missed;
		int err;

		if (*only && !strstr(tests->name, only))
			continue;
		note_step(tests->name);
		fail_reason[0] = '\0';
		err = tests->fn();
		if (err > 0) {
			skipped++;
			printf("skip - %s: %s\n", tests->name, fail_reason);
		} else if (err) {
			failed++;
			printf("FAIL - %s: %s\n", tests->name, fail_reason);
		} else {
			passed++;
			printf("ok - %s (%.1fs)\n", tests->name, now() - start);
		}
		missed = read_long_file("/sys/class/misc/tracer/missed");
		if (missed != last_missed && missed >= 0)
			note("missed events: %ld after this test", missed);
		last_missed = missed;
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	FILE *cmdline = fopen("/proc/cmdline", "re");
	char line[1024] = "", *p;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (cmdline && fgets(line, sizeof(line), cmdline) &&
	    (p = strstr(line, "tracer.only=")))
		sscanf(p + 12, "%63[^ \n]", only);
	p = strstr(line, "tracer.scale=");
	if (p && (sscanf(p + 13, "%d", &stress_scale) != 1 ||
		  stress_scale < 1 || stress_scale > 100))
		stress_scale = 100;
	if (cmdline)
		fclose(cmdline);
	run_group(interface_tests);
	run_group(process_tests);
	run_group(module_tests);
	run_group(oracle_tests);
	run_group(security_tests);
	run_group(stress_tests);
	run_group(arming_tests);
	run_group(lifecycle_tests);
	run_group(fault_tests);
	/* Experiments (tests/vm/mttcg-experiment), when tracer.only names one. */
	if (*only)
		run_group(experiment_tests);
	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
