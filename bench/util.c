// SPDX-License-Identifier: GPL-2.0-only
/* Checks, clocks, files, the probe list and modules. */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int passed, failed;

void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - bench: ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (ok)
		passed++;
	else
		failed++;
}

void note(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

long read_long(const char *path)
{
	char buf[64];
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = strtol(buf, NULL, 10);
	fclose(f);
	return v;
}

void dump_file(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		printf("#   %s", line);
	fclose(f);
}

#define TRACER_KMALLOC(_symbol, _kind) { _symbol, #_kind, true, false },
#define TRACER_OTHER(_symbol, _func, _kind) { _symbol, #_kind, false, false },
struct sym syms[] = {
#include "../src/probe_list.h"
};
const unsigned int nr_syms = sizeof(syms) / sizeof(syms[0]);
_Static_assert(sizeof(syms) / sizeof(syms[0]) <= MAX_SYMS, "MAX_SYMS");

/* Which listed symbols this kernel has: those tracer registers. */
void find_symbols(void)
{
	char line[512], name[256], type;
	unsigned long addr;
	unsigned int i;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c %255s", &addr, &type, name) != 3 ||
		    strchr(line, '['))
			continue;
		for (i = 0; i < nr_syms; i++)
			if (!strcmp(name, syms[i].name) &&
			    (type == 'T' || type == 't'))
				syms[i].present = true;
	}
	fclose(f);
}

int load_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return err;
}

int unload_module(const char *name)
{
	unsigned int i;

	/* A module still referenced for a moment (a closing file) says EAGAIN. */
	for (i = 0; i < 100; i++) {
		if (!syscall(SYS_delete_module, name, O_NONBLOCK))
			return 0;
		if (errno != EAGAIN && errno != EBUSY)
			return -errno;
		sleep_ms(50);
	}
	return -errno;
}
