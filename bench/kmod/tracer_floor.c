// SPDX-License-Identifier: GPL-2.0-only
/*
 * tracer_floor: the benchmark's floor.  It registers the kretprobes tracer
 * registers, on the same symbols (probe_list.h), shaped the same way, with
 * handlers that do nothing: what is left is the cost of the probe mechanism
 * itself, which no kretprobe-based tracer can go below per event.
 *
 * Like tracer, the kmalloc probes carry per-instance data from entry to
 * return and keep maxactive instances; the other probes return 1 from the
 * entry handler, so they never take an instance or pay the return
 * trampoline.  Unlike tracer, which only returns 0 for monitored
 * processes, every kmalloc here goes through the return trampoline: that is
 * the mechanism's price for a monitored kmalloc.
 *
 * Test-only: never packaged.  /sys/module/tracer_floor/parameters/missed
 * and skipped_nested report the kretprobes' nmissed and their kprobes'
 * nmissed, as tracer's sysfs counters do.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/module.h>

struct floor_probe {
	const char *symbol;
	bool kmalloc;
	struct kretprobe rp;
	bool registered;
};

/* The size of tracer's struct tracer_kmalloc_call: size, tgid, serial. */
#define FLOOR_DATA_SIZE (sizeof(size_t) + 2 * sizeof(u32))

/* tracer's default maxactive for its kmalloc probes. */
#define FLOOR_MAXACTIVE 256

#define TRACER_KMALLOC(_symbol, _kind) \
	{ .symbol = _symbol, .kmalloc = true },
#define TRACER_OTHER(_symbol, _func, _kind) \
	{ .symbol = _symbol },

static struct floor_probe floor_probes[] = {
#include "probe_list.h"
};

/* Take an instance: the return handler runs. */
static int floor_kmalloc_entry(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	return 0;
}

static int floor_kmalloc_return(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	return 0;
}

/* No instance, no return trampoline: as tracer's counting probes. */
static int floor_other_entry(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	return 1;
}

static unsigned long floor_sum(bool kprobe)
{
	unsigned long sum = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(floor_probes); i++) {
		if (!floor_probes[i].registered)
			continue;
		sum += kprobe ? floor_probes[i].rp.kp.nmissed :
				floor_probes[i].rp.nmissed;
	}
	return sum;
}

static int floor_get_missed(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lu\n", floor_sum(false));
}

static int floor_get_skipped(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lu\n", floor_sum(true));
}

static const struct kernel_param_ops floor_missed_ops = {
	.get = floor_get_missed,
};

static const struct kernel_param_ops floor_skipped_ops = {
	.get = floor_get_skipped,
};

module_param_cb(missed, &floor_missed_ops, NULL, 0444);
MODULE_PARM_DESC(missed, "kretprobe hits lost for want of an instance");
module_param_cb(skipped_nested, &floor_skipped_ops, NULL, 0444);
MODULE_PARM_DESC(skipped_nested,
		 "kprobe hits skipped because another handler was running");

/* In one batch: one RCU grace period, not one per probe. */
static void floor_unregister(void)
{
	struct kretprobe *rps[ARRAY_SIZE(floor_probes)];
	unsigned int i, nr = 0;

	for (i = 0; i < ARRAY_SIZE(floor_probes); i++)
		if (floor_probes[i].registered)
			rps[nr++] = &floor_probes[i].rp;
	unregister_kretprobes(rps, nr);
	for (i = 0; i < ARRAY_SIZE(floor_probes); i++)
		floor_probes[i].registered = false;
}

static int __init floor_init(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(floor_probes); i++) {
		struct floor_probe *p = &floor_probes[i];

		p->rp.kp.symbol_name = p->symbol;
		if (p->kmalloc) {
			p->rp.entry_handler = floor_kmalloc_entry;
			p->rp.handler = floor_kmalloc_return;
			p->rp.data_size = FLOOR_DATA_SIZE;
			p->rp.maxactive = FLOOR_MAXACTIVE;
		} else {
			p->rp.entry_handler = floor_other_entry;
		}
		err = register_kretprobe(&p->rp);
		/* A symbol of another kernel version, as in tracer. */
		if (err == -ENOENT)
			continue;
		if (err) {
			pr_err("cannot probe %s: %d\n", p->symbol, err);
			floor_unregister();
			return err;
		}
		p->registered = true;
	}
	return 0;
}

static void __exit floor_exit(void)
{
	floor_unregister();
}

module_init(floor_init);
module_exit(floor_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Benchmark floor: tracer's kretprobes with empty handlers");
