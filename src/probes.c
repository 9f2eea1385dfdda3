// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kretprobes on kmalloc, kfree, schedule, up, down_interruptible,
 * mutex_lock and mutex_unlock, and on the frees that do not call kfree()
 * (probe_list.h): registered at load, disarmed (arming.c arms them),
 * unregistered at unload.  Their handlers are handlers.c.
 *
 * kmalloc() is inline; which exported function it calls depends on the
 * kernel and on whether the size is a compile-time constant.  Every entry
 * point that fires the kmem:kmalloc tracepoint on some kernel is listed in
 * probe_list.h; the ones this kernel lacks are skipped at registration.
 * Kernels built with CONFIG_DEBUG_LOCK_ALLOC have mutex_lock_nested()
 * instead of mutex_lock(), so both are listed too.
 */
#include <linux/kprobes.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/slab.h>

#include "handlers.h"
#include "init_fault.h"
#include "probes.h"

static unsigned int maxactive = 256;
module_param(maxactive, uint, 0444);
MODULE_PARM_DESC(maxactive,
		 "Monitored threads that may sleep in one kmalloc entry point at once without a missed event (default 256)");

/* kretprobe refuses more instances than this (KRETPROBE_MAXACTIVE_MAX). */
#define TRACER_MAXACTIVE_MAX 4096U

/* The function a probe stands for: each needs at least one symbol. */
enum tracer_func {
	TRACER_FUNC_KMALLOC,
	TRACER_FUNC_KFREE,
	TRACER_FUNC_SCHEDULE,
	TRACER_FUNC_UP,
	TRACER_FUNC_DOWN,
	TRACER_FUNC_MUTEX_LOCK,
	TRACER_FUNC_MUTEX_UNLOCK,
	TRACER_FUNC_DROP,	/* frees without kfree(): see probe_list.h */
	TRACER_NR_FUNCS
};

static const char *const tracer_func_names[TRACER_NR_FUNCS] = {
	"kmalloc", "kfree", "schedule", "up", "down_interruptible",
	"mutex_lock", "mutex_unlock", "kmem_cache_free_bulk",
};

struct tracer_probe {
	const char *symbol;
	enum tracer_func func;
	kretprobe_handler_t entry;
	struct kretprobe rp;
	bool registered;
};

#define TRACER_PROBE(_symbol, _func, _entry) \
	{ .symbol = _symbol, .func = _func, .entry = _entry },
#define TRACER_KMALLOC(_symbol, _kind) \
	TRACER_PROBE(_symbol, TRACER_FUNC_KMALLOC, tracer_kmalloc_##_kind)
#define TRACER_OTHER(_symbol, _func, _kind) \
	TRACER_PROBE(_symbol, TRACER_FUNC_##_func, tracer_##_kind##_entry)

static struct tracer_probe tracer_probes[] = {
#include "probe_list.h"
};

static const unsigned int tracer_nr_probes = ARRAY_SIZE(tracer_probes);

static int tracer_probe_register(struct tracer_probe *p)
{
	bool kmalloc = p->func == TRACER_FUNC_KMALLOC;
	int err;

	memset(&p->rp, 0, sizeof(p->rp));
	p->rp.kp.symbol_name = p->symbol;
	/* Armed only while something is monitored: see arming.c. */
	p->rp.kp.flags = KPROBE_FLAG_DISABLED;
	p->rp.entry_handler = p->entry;
	if (kmalloc) {
		p->rp.handler = tracer_kmalloc_return;
		p->rp.data_size = sizeof(struct tracer_kmalloc_call);
		p->rp.maxactive = clamp(maxactive, 1U, TRACER_MAXACTIVE_MAX);
	}
	err = register_kretprobe(&p->rp);
	if (err)
		return err;
	p->registered = true;
	if (kmalloc)
		tracer_note_kmalloc_text((unsigned long)p->rp.kp.addr);
	return 0;
}

void tracer_probes_unregister(void)
{
	struct kretprobe *rps[ARRAY_SIZE(tracer_probes)];
	unsigned int i, nr = 0;

	for (i = 0; i < tracer_nr_probes; i++)
		if (tracer_probes[i].registered)
			rps[nr++] = &tracer_probes[i].rp;
	unregister_kretprobes(rps, nr);

	for (i = 0; i < tracer_nr_probes; i++) {
		struct tracer_probe *p = &tracer_probes[i];

		if (!p->registered)
			continue;
		if (p->rp.nmissed || p->rp.kp.nmissed)
			pr_warn("%s: %d missed returns, %lu missed entries\n",
				p->symbol, p->rp.nmissed, p->rp.kp.nmissed);
		p->registered = false;
	}
	tracer_forget_kmalloc_text();
}

int tracer_probes_register(void)
{
	unsigned int found[TRACER_NR_FUNCS] = { 0 };
	unsigned int i;
	int err;

	for (i = 0; i < tracer_nr_probes; i++) {
		err = tracer_init_fault() ?:
		      tracer_probe_register(&tracer_probes[i]);
		/* An entry point of another kernel version. */
		if (err == -ENOENT)
			continue;
		if (err) {
			pr_err("cannot probe %s: %d\n",
			       tracer_probes[i].symbol, err);
			goto fail;
		}
		found[tracer_probes[i].func]++;
	}

	for (i = 0; i < TRACER_NR_FUNCS; i++) {
		if (!found[i]) {
			pr_err("this kernel has no %s to probe\n",
			       tracer_func_names[i]);
			err = -ENOENT;
			goto fail;
		}
	}
	return 0;

fail:
	tracer_probes_unregister();
	return err;
}

void tracer_probes_disarm(void)
{
	unsigned int i;

	for (i = 0; i < tracer_nr_probes; i++)
		if (tracer_probes[i].registered)
			disable_kretprobe(&tracer_probes[i].rp);
}

/* Every registered probe, or none. */
int tracer_probes_arm(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < tracer_nr_probes; i++) {
		if (!tracer_probes[i].registered)
			continue;
		err = enable_kretprobe(&tracer_probes[i].rp);
		if (err) {
			pr_err("cannot arm the probe on %s: %d\n",
			       tracer_probes[i].symbol, err);
			tracer_probes_disarm();
			return err;
		}
	}
	return 0;
}

/*
 * Hits lost because no kretprobe instance was free: these may have been
 * events of a monitored process, so its numbers may be incomplete.
 */
unsigned long tracer_probes_missed(void)
{
	unsigned long missed = 0;
	unsigned int i;

	for (i = 0; i < tracer_nr_probes; i++)
		if (tracer_probes[i].registered)
			missed += tracer_probes[i].rp.nmissed;
	return missed;
}

/*
 * Hits the kprobe core skipped because another probe's handler was running
 * on that CPU.  Handlers call nothing that is probed, so in practice these
 * are interrupts (softirq RCU callbacks freeing memory, say) that arrived
 * during an ftrace-based handler, which runs with interrupts enabled.  Such
 * events belong to no process and are never charged; a skipped kfree()
 * only leaves its address-table entry until that address is allocated by a
 * monitored process again.
 */
unsigned long tracer_probes_skipped_nested(void)
{
	unsigned long skipped = 0;
	unsigned int i;

	for (i = 0; i < tracer_nr_probes; i++)
		if (tracer_probes[i].registered)
			skipped += tracer_probes[i].rp.kp.nmissed;
	return skipped;
}
