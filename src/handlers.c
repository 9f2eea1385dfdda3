// SPDX-License-Identifier: GPL-2.0-only
/*
 * The handlers of the kretprobes (probes.c registers them).
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
 * One kmalloc() call counts once: an entry point called from another one's
 * text is part of the outer call, and probe_list.h gives the rule of each.
 *
 * Every handler, and every function of this module a handler calls, is
 * NOKPROBE_SYMBOL, as samples/kprobes does: a kprobe placed on one of them
 * (perf probe -m tracer) would be hit inside a kprobe handler.
 */
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/slab.h>

#include "addr_table.h"
#include "compat.h"
#include "handlers.h"
#include "proc_table.h"

/* The text of each kmalloc entry point probed, to tell nested calls. */
struct tracer_text {
	unsigned long start, end;
};

static struct tracer_text tracer_kmalloc_text[24];
static unsigned int tracer_nr_kmalloc_text;
/*
 * The span of them all: a caller outside it (any caller but slab's own
 * code) is told in two comparisons, not two per entry point.
 */
static struct tracer_text tracer_kmalloc_span = { ULONG_MAX, 0 };

/* Note the text of the function at @addr, from its "name+off/size". */
void tracer_note_kmalloc_text(unsigned long addr)
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
	tracer_kmalloc_span.start = min(tracer_kmalloc_span.start, text->start);
	tracer_kmalloc_span.end = max(tracer_kmalloc_span.end, text->end);
}

void tracer_forget_kmalloc_text(void)
{
	tracer_nr_kmalloc_text = 0;
	tracer_kmalloc_span.start = ULONG_MAX;
	tracer_kmalloc_span.end = 0;
}

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

int tracer_schedule_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return tracer_count(TRACER_SCHED);
}

NOKPROBE_SYMBOL(tracer_schedule_entry);

int tracer_up_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return tracer_count(TRACER_UP);
}

NOKPROBE_SYMBOL(tracer_up_entry);

int tracer_down_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return tracer_count(TRACER_DOWN);
}

NOKPROBE_SYMBOL(tracer_down_entry);

int tracer_lock_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return tracer_count(TRACER_LOCK);
}

NOKPROBE_SYMBOL(tracer_lock_entry);

int tracer_unlock_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return tracer_count(TRACER_UNLOCK);
}

NOKPROBE_SYMBOL(tracer_unlock_entry);

/* kfree() in any context drops the address; only process context counts. */
int tracer_kfree_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
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
 * The frees that do not call kfree() (probe_list.h) only drop addresses,
 * in any context: the table's removal takes no lock.
 * kmem_cache_free_bulk(s, size, p): every address in p[] leaves the table.
 */
int tracer_drop_bulk_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	size_t i, size = regs_get_kernel_argument(regs, 1);
	void **p = (void **)regs_get_kernel_argument(regs, 2);

	/* One read of the table's use for the whole array, as kfree() has. */
	if (!atomic_long_read(&tracer_addr_nr_used))
		return 1;
	for (i = 0; i < size; i++)
		tracer_addr_take_slow((unsigned long)p[i]);
	return 1;
}

NOKPROBE_SYMBOL(tracer_drop_bulk_entry);

/* kfree_nolock(p) */
int tracer_drop_arg0_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	tracer_addr_take(regs_get_kernel_argument(regs, 0));
	return 1;
}

NOKPROBE_SYMBOL(tracer_drop_arg0_entry);

/* __kfree_rcu_sheaf(s, p, flags) */
int tracer_drop_arg1_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	tracer_addr_take(regs_get_kernel_argument(regs, 1));
	return 1;
}

NOKPROBE_SYMBOL(tracer_drop_arg1_entry);

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

	if (!TRACER_HAVE_ENTRY_CALLER || caller < tracer_kmalloc_span.start ||
	    caller >= tracer_kmalloc_span.end)
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
int tracer_kmalloc_size0(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return tracer_kmalloc_entry(ri, regs, 0, TRACER_UNLESS_NESTED);
}

NOKPROBE_SYMBOL(tracer_kmalloc_size0);

int tracer_kmalloc_size2(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return tracer_kmalloc_entry(ri, regs, 2, TRACER_UNLESS_NESTED);
}

NOKPROBE_SYMBOL(tracer_kmalloc_size2);

int tracer_kmalloc_size3(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return tracer_kmalloc_entry(ri, regs, 3, TRACER_UNLESS_NESTED);
}

NOKPROBE_SYMBOL(tracer_kmalloc_size3);

/* Used only by the kernels that have kmalloc_order_trace(). */
int tracer_kmalloc_small0(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return tracer_kmalloc_entry(ri, regs, 0, TRACER_UNLESS_LARGE);
}

NOKPROBE_SYMBOL(tracer_kmalloc_small0);

int tracer_kmalloc_order0(struct kretprobe_instance *ri, struct pt_regs *regs)
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
int tracer_kmalloc_return(struct kretprobe_instance *ri, struct pt_regs *regs)
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
