// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the /proc/tracer parser and of the table and JSON output:
 * text in, text out, one "ok - " or "FAIL - " line per test.
 */
#include <stdlib.h>
#include <string.h>

#include "tracer.h"

#define HDR "PID kmalloc kfree kmalloc_mem kfree_mem sched up down lock unlock\n"
/* The kernel's own aligned header. */
#define KHDR "PID           kmalloc        kfree  kmalloc_mem    kfree_mem" \
	"        sched           up         down         lock       unlock\n"

static int failures;

static void result(int good, const char *name, const char *why)
{
	if (good) {
		printf("ok - unit: %s\n", name);
	} else {
		printf("FAIL - unit: %s : %s\n", name, why);
		failures++;
	}
}

/* Parsing @text must fail with an error message containing @want. */
static void parse_fails(const char *name, const char *text, size_t len,
			const char *want)
{
	struct tracer_table t;
	char err[256] = "", why[512];
	int rc = tracer_parse(text, len, &t, err, sizeof(err));

	snprintf(why, sizeof(why), "rc %d, error '%s', expected '%s'", rc,
		 err, want);
	result(rc == -1 && strstr(err, want) && !t.rows && !t.n, name, why);
	tracer_table_free(&t);
}

static char *capture(void (*fn)(FILE *f, void *arg), void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, arg);
	fclose(f);
	return buf;
}

static void do_table(FILE *f, void *arg)
{
	fmt_table(f, arg);
}

static void do_json(FILE *f, void *arg)
{
	struct tracer_health h = { 0, 2, 1 };

	fmt_json(f, arg, &h);
}

static void test_bytes(void)
{
	static const struct {
		unsigned long long v;
		const char *s;
	} cases[] = {
		{ 0, "0 B" }, { 1023, "1023 B" }, { 1024, "1.0 KiB" },
		{ 1229, "1.2 KiB" }, { 3565158, "3.4 MiB" },
		{ 1048575, "1.0 MiB" }, { 1073741824ULL, "1.0 GiB" },
		{ 18446744073709551615ULL, "16.0 EiB" },
	};
	char buf[32], why[128];
	size_t i;
	int good = 1;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fmt_bytes(cases[i].v, buf, sizeof(buf));
		if (strcmp(buf, cases[i].s)) {
			snprintf(why, sizeof(why), "%llu gave '%s', expected '%s'",
				 cases[i].v, buf, cases[i].s);
			good = 0;
			break;
		}
	}
	result(good, "human-readable bytes (B, KiB, MiB, GiB, EiB)", why);
}

int main(void)
{
	static const char two[] = KHDR
		"1234            10            4       123456         1024            7            1            1            3            3\n"
		"77     18446744073709551615 0 0 0 0 0 0 0 0\n";
	struct tracer_table t;
	char err[256] = "", *out;
	int rc;

	rc = tracer_parse(two, strlen(two), &t, err, sizeof(err));
	result(rc == 0 && t.n == 2 && t.rows[0].pid == 1234 &&
	       t.rows[0].v[T_KMALLOC] == 10 && t.rows[0].v[T_KMALLOC_MEM] == 123456 &&
	       t.rows[0].v[T_UNLOCK] == 3 && t.rows[1].pid == 77 &&
	       t.rows[1].v[T_KMALLOC] == 18446744073709551615ULL,
	       "parses the kernel's aligned output, u64 max", err);
	snprintf(t.rows[0].comm, sizeof(t.rows[0].comm), "tar");
	snprintf(t.rows[1].comm, sizeof(t.rows[1].comm), "we\"ird\\\n\xff");

	out = capture(do_table, &t);
	result(out && !strcmp(out,
		"PID      COMM                kmalloc      kfree kmalloc_mem   kfree_mem      sched         up       down       lock     unlock\n"
		"1234     tar                      10          4   120.6 KiB     1.0 KiB          7          1          1          3          3\n"
		"77       we\"ird\\?\xff        18446744073709551615          0         0 B         0 B          0          0          0          0          0\n"),
	       "table: comm beside PID, human-readable bytes", out);
	free(out);

	out = capture(do_json, &t);
	result(out && !strcmp(out,
		"{\"processes\": [\n"
		"  {\"pid\": 1234, \"comm\": \"tar\", \"kmalloc\": 10, \"kfree\": 4, \"kmalloc_mem\": 123456, \"kfree_mem\": 1024, \"sched\": 7, \"up\": 1, \"down\": 1, \"lock\": 3, \"unlock\": 3},\n"
		"  {\"pid\": 77, \"comm\": \"we\\\"ird\\\\\\u000a\\u00ff\", \"kmalloc\": 18446744073709551615, \"kfree\": 0, \"kmalloc_mem\": 0, \"kfree_mem\": 0, \"sched\": 0, \"up\": 0, \"down\": 0, \"lock\": 0, \"unlock\": 0}\n"
		" ], \"missed\": 0, \"addr_overflows\": 2, \"armed\": true}\n"),
	       "JSON: raw integers, escaped comm, completeness counters", out);
	free(out);
	tracer_table_free(&t);

	rc = tracer_parse(HDR, strlen(HDR), &t, err, sizeof(err));
	result(rc == 0 && t.n == 0, "header only: no process", err);
	out = capture(do_json, &t);
	result(out && !strcmp(out, "{\"processes\": [], \"missed\": 0, \"addr_overflows\": 2, \"armed\": true}\n"),
	       "JSON of no process", out);
	free(out);
	tracer_table_free(&t);

	rc = tracer_parse(HDR "5\t1 2 3 4 5 6 7 8 9  \n", strlen(HDR) + 22, &t,
			  err, sizeof(err));
	result(rc == 0 && t.n == 1 && t.rows[0].v[T_UNLOCK] == 9,
	       "tabs and trailing blanks are whitespace", err);
	tracer_table_free(&t);

	parse_fails("empty file", "", 0, "empty file");
	parse_fails("missing header", "1 2 3 4 5 6 7 8 9 10\n", 21,
		    "line 1: missing header");
	parse_fails("wrong header field", "PID kmalloc kfree kmalloc_mem kfree_mem sched up down lock unlockx\n",
		    68, "header field 10 is not 'unlock'");
	parse_fails("short header", "PID kmalloc\n", 12, "header has 2 fields");
	parse_fails("truncated header", "PID kmalloc kfree", 17, "truncated");
	parse_fails("truncated last line", HDR "1 2 3", strlen(HDR) + 5,
		    "line 2: truncated");
	parse_fails("too few fields", HDR "1 2 3\n", strlen(HDR) + 6,
		    "line 2: 3 fields, expected 10");
	parse_fails("too many fields", HDR "1 2 3 4 5 6 7 8 9 10 11\n",
		    strlen(HDR) + 24, "line 2: more than 10 fields");
	parse_fails("not a number", HDR "1 2 3 4 x 6 7 8 9 10\n",
		    strlen(HDR) + 21, "line 2: field 5 is not a number");
	parse_fails("negative number", HDR "1 2 3 4 -5 6 7 8 9 10\n",
		    strlen(HDR) + 22, "field 5 is not a number");
	parse_fails("counter above u64", HDR "1 18446744073709551616 0 0 0 0 0 0 0 0\n",
		    strlen(HDR) + 39, "line 2: field 2 is too large");
	parse_fails("huge number", HDR "1 99999999999999999999999999999 0 0 0 0 0 0 0 0\n",
		    strlen(HDR) + 48, "field 2 is too large");
	parse_fails("PID above INT_MAX", HDR "2147483648 0 0 0 0 0 0 0 0 0\n",
		    strlen(HDR) + 30, "field 1 is too large");
	parse_fails("PID 0", HDR "0 0 0 0 0 0 0 0 0 0\n", strlen(HDR) + 20,
		    "PID is 0");
	parse_fails("NUL byte", HDR "1 2 3\0 4 5 6 7 8 9 10\n",
		    strlen(HDR) + 23, "NUL byte");
	parse_fails("blank line", HDR "\n", strlen(HDR) + 1,
		    "line 2: 0 fields");
	parse_fails("bad row after good ones",
		    HDR "1 0 0 0 0 0 0 0 0 0\n2 0 0 0 0 0 0 0 0 0\n3 0 0\n",
		    strlen(HDR) + 46, "line 4: 3 fields");

	test_bytes();
	return failures ? 1 : 0;
}
