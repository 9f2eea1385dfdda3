// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kretprobes on kmalloc, kfree, schedule, up, down_interruptible,
 * mutex_lock and mutex_unlock.
 *
 * Only kmalloc needs its return value (the address, for the address table),
 * so every other probe counts in its entry handler and returns non-zero:
 * no kretprobe instance is held while the function runs or sleeps.  kmalloc
 * holds one only for monitored processes.
 *
 * The handlers look processes up in a preempt-disabled section rather than
 * under rcu_read_lock(): since the RCU flavours were consolidated (4.20),
 * such a section is a reader that synchronize_rcu() waits for, and it costs
 * two inline per-CPU operations where rcu_read_lock() and rcu_read_unlock()
 * are two calls on preemptible-RCU kernels, on the path of every event of
 * a monitored process.
 *
 * kmalloc() is inline; which exported function it calls depends on the
 * kernel and on whether the size is a compile-time constant.  Every entry
 * point that fires the kmem:kmalloc tracepoint on some kernel is listed in
 * probe_list.h; the ones this kernel lacks are skipped at registration.
 * One kmalloc() call counts once: an entry point called from another one's
 * text is part of the outer call, and probe_list.h gives the rule of each.
 * Kernels built with CONFIG_DEBUG_LOCK_ALLOC have mutex_lock_nested()
 * instead of mutex_lock(), so both are listed too.
 *
 * Every handler, and every function of this module a handler calls, is
 * NOKPROBE_SYMBOL, as samples/kprobes does: a kprobe placed on one of them
 * (perf probe -m tracer) would be hit inside a kprobe handler.
 */
#include <linux/kprobes.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/slab.h>

#include "addr_table.h"
#include "compat.h"
#include "probes.h"
#include "proc_table.h"

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
	TRACER_NR_FUNCS
};

static const char *const tracer_func_names[TRACER_NR_FUNCS] = {
	"kmalloc", "kfree", "schedule", "up", "down_interruptible",
	"mutex_lock", "mutex_unlock",
};

/* Carried from a monitored kmalloc's entry to its return. */
struct tracer_kmalloc_call {
	size_t size;
	pid_t tgid;
	u32 serial;
	int gone;	/* tracer_procs_gone before the lookup at entry */
};

struct tracer_probe {
	const char *symbol;
	enum tracer_func func;
	kretprobe_handler_t entry;
	struct kretprobe rp;
	bool registered;
};

/* The text of each kmalloc entry point probed, to tell nested calls. */
struct tracer_text {
	unsigned long start, end;
};

static struct tracer_text tracer_kmalloc_text[24];
static unsigned int tracer_nr_kmalloc_text;

static int tracer_count(enum tracer_counter counter)
{
	struct tracer_proc *proc;

	if (!tracer_may_charge())
		return 1;
	preempt_disable_notrace();
	proc = tracer_proc_find(current->tgid);
	if (proc)
		atomic64_inc(&proc->count[counter]);
	preempt_enable_notrace();
	return 1;
}

NOKPROBE_SYMBOL(tracer_count);

static int tracer_schedule_entry(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	return tracer_count(TRACER_SCHED);
}

NOKPROBE_SYMBOL(tracer_schedule_entry);

static int tracer_up_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return tracer_count(TRACER_UP);
}

NOKPROBE_SYMBOL(tracer_up_entry);

static int tracer_down_entry(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	return tracer_count(TRACER_DOWN);
}

NOKPROBE_SYMBOL(tracer_down_entry);

static int tracer_lock_entry(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	return tracer_count(TRACER_LOCK);
}

NOKPROBE_SYMBOL(tracer_lock_entry);

static int tracer_unlock_entry(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	return tracer_count(TRACER_UNLOCK);
}

NOKPROBE_SYMBOL(tracer_unlock_entry);

/* kfree() in any context drops the address; only process context counts. */
static int tracer_kfree_entry(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	size_t size = tracer_addr_take(regs_get_kernel_argument(regs, 0));
	struct tracer_proc *proc;

	if (!tracer_may_charge())
		return 1;
	preempt_disable_notrace();
	proc = tracer_proc_find(current->tgid);
	if (proc) {
		atomic64_inc(&proc->count[TRACER_KFREE]);
		atomic64_add(size, &proc->count[TRACER_KFREE_MEM]);
	}
	preempt_enable_notrace();
	return 1;
}

NOKPROBE_SYMBOL(tracer_kfree_entry);

/*
 * Whether this kmalloc entry point was called by another one, which counted
 * the call: on 6.10+ a runtime-sized kmalloc() above KMALLOC_MAX_CACHE_SIZE
 * goes through __kmalloc_noprof() (or a sibling) into the exported
 * __kmalloc_large_node_noprof(), and on 6.15+ kvmalloc() does the same.
 * The caller is read at the probed function's first instruction; where the
 * architecture gives no caller (see compat.h), nothing is seen as nested
 * and such a call counts twice.
 */
static bool tracer_called_by_kmalloc(struct pt_regs *regs)
{
	unsigned long caller = tracer_entry_caller(regs);
	unsigned int i;

	if (!TRACER_HAVE_ENTRY_CALLER)
		return false;
	for (i = 0; i < tracer_nr_kmalloc_text; i++)
		if (caller >= tracer_kmalloc_text[i].start &&
		    caller < tracer_kmalloc_text[i].end)
			return true;
	return false;
}

NOKPROBE_SYMBOL(tracer_called_by_kmalloc);

/* How an entry point's calls count: see the kinds in probe_list.h. */
enum tracer_kmalloc_rule {
	TRACER_UNLESS_NESTED,
	TRACER_UNLESS_LARGE,
	TRACER_ALWAYS,
};

static __always_inline int tracer_kmalloc_entry(struct kretprobe_instance *ri,
						struct pt_regs *regs,
						unsigned int size_arg,
						enum tracer_kmalloc_rule rule)
{
	struct tracer_kmalloc_call *call = (void *)ri->data;
	struct tracer_proc *proc;
	size_t size;
	int gone;

	if (!tracer_may_charge())
		return 1;
	size = regs_get_kernel_argument(regs, size_arg);
	if (rule == TRACER_UNLESS_LARGE && size > KMALLOC_MAX_CACHE_SIZE)
		return 1;
	gone = atomic_read_acquire(&tracer_procs_gone);
	preempt_disable_notrace();
	proc = tracer_proc_find(current->tgid);
	if (proc && rule == TRACER_UNLESS_NESTED &&
	    tracer_called_by_kmalloc(regs))
		proc = NULL;
	if (proc) {
		atomic64_inc(&proc->count[TRACER_KMALLOC]);
		atomic64_add(size, &proc->count[TRACER_KMALLOC_MEM]);
		call->size = size;
		call->tgid = proc->tgid;
		call->serial = proc->serial;
		call->gone = gone;
	}
	preempt_enable_notrace();
	return proc ? 0 : 1;
}

/* The argument that holds the size differs between entry points. */
static int tracer_kmalloc_size0(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	return tracer_kmalloc_entry(ri, regs, 0, TRACER_UNLESS_NESTED);
}

NOKPROBE_SYMBOL(tracer_kmalloc_size0);

static int tracer_kmalloc_size2(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	return tracer_kmalloc_entry(ri, regs, 2, TRACER_UNLESS_NESTED);
}

NOKPROBE_SYMBOL(tracer_kmalloc_size2);

static int tracer_kmalloc_size3(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	return tracer_kmalloc_entry(ri, regs, 3, TRACER_UNLESS_NESTED);
}

NOKPROBE_SYMBOL(tracer_kmalloc_size3);

/* Used only by the kernels that have kmalloc_order_trace(). */
static int __maybe_unused tracer_kmalloc_small0(struct kretprobe_instance *ri,
						struct pt_regs *regs)
{
	return tracer_kmalloc_entry(ri, regs, 0, TRACER_UNLESS_LARGE);
}

NOKPROBE_SYMBOL(tracer_kmalloc_small0);

static int __maybe_unused tracer_kmalloc_order0(struct kretprobe_instance *ri,
						struct pt_regs *regs)
{
	return tracer_kmalloc_entry(ri, regs, 0, TRACER_ALWAYS);
}

NOKPROBE_SYMBOL(tracer_kmalloc_order0);

/*
 * Record the block, unless its process left the table while kmalloc() ran
 * (it may have slept): the reaper must not miss an entry it owns.  Its
 * purge follows a grace period that started after the process left; a
 * reader that still sees the old tracer_procs_gone began before that
 * grace period ended, so its insert precedes the purge, as with a lookup.
 */
static int tracer_kmalloc_return(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	struct tracer_kmalloc_call *call = (void *)ri->data;
	unsigned long addr = regs_return_value(regs);
	struct tracer_proc *proc;

	/* A kvmalloc() that vmalloc() served is never given to kfree(). */
	if (ZERO_OR_NULL_PTR((void *)addr) || is_vmalloc_addr((void *)addr))
		return 0;
	preempt_disable_notrace();
	if (atomic_read_acquire(&tracer_procs_gone) == call->gone) {
		tracer_addr_insert(addr, call->size, call->serial);
	} else {
		proc = tracer_proc_find(call->tgid);
		if (proc && proc->serial == call->serial)
			tracer_addr_insert(addr, call->size, call->serial);
	}
	preempt_enable_notrace();
	return 0;
}

NOKPROBE_SYMBOL(tracer_kmalloc_return);

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

/* Note the text of the function at @addr, from its "name+off/size". */
static void tracer_note_kmalloc_text(unsigned long addr)
{
	struct tracer_text *text;
	char buf[KSYM_SYMBOL_LEN];
	unsigned long off, size;
	const char *plus;

	if (tracer_nr_kmalloc_text == ARRAY_SIZE(tracer_kmalloc_text))
		return;
	sprint_symbol(buf, addr);
	plus = strrchr(buf, '+');
	if (!plus || sscanf(plus, "+%lx/%lx", &off, &size) != 2)
		return;
	text = &tracer_kmalloc_text[tracer_nr_kmalloc_text++];
	text->start = addr - off;
	text->end = addr - off + size;
}

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
	tracer_nr_kmalloc_text = 0;
}

int tracer_probes_register(void)
{
	unsigned int found[TRACER_NR_FUNCS] = { 0 };
	unsigned int i;
	int err;

	for (i = 0; i < tracer_nr_probes; i++) {
		err = tracer_probe_register(&tracer_probes[i]);
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
