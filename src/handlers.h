/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The handlers of the kretprobes (handlers.c), which probes.c registers:
 * an entry handler per kind of probed function (probe_list.h names them),
 * and kmalloc's return handler.
 */
#ifndef _TRACER_HANDLERS_H
#define _TRACER_HANDLERS_H

#include <linux/kprobes.h>
#include <linux/types.h>

/* Carried from a monitored kmalloc's entry to its return. */
struct tracer_kmalloc_call {
	size_t size;
	pid_t tgid;
	u32 serial;
	int gone;	/* tracer_procs_gone before the lookup at entry */
};

#define TRACER_HANDLER(name) \
	int name(struct kretprobe_instance *ri, struct pt_regs *regs)
TRACER_HANDLER(tracer_schedule_entry);
TRACER_HANDLER(tracer_up_entry);
TRACER_HANDLER(tracer_down_entry);
TRACER_HANDLER(tracer_lock_entry);
TRACER_HANDLER(tracer_unlock_entry);
TRACER_HANDLER(tracer_kfree_entry);
TRACER_HANDLER(tracer_drop_bulk_entry);
TRACER_HANDLER(tracer_drop_arg0_entry);
TRACER_HANDLER(tracer_drop_arg1_entry);
/* The argument that holds the size differs between kmalloc entry points. */
TRACER_HANDLER(tracer_kmalloc_size0);
TRACER_HANDLER(tracer_kmalloc_size2);
TRACER_HANDLER(tracer_kmalloc_size3);
TRACER_HANDLER(tracer_kmalloc_small0);
TRACER_HANDLER(tracer_kmalloc_order0);
TRACER_HANDLER(tracer_kmalloc_return);

/* The text of the kmalloc entry points probed, to tell nested calls. */
void tracer_note_kmalloc_text(unsigned long addr);
void tracer_forget_kmalloc_text(void);

#endif /* _TRACER_HANDLERS_H */
