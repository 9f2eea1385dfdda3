/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Address -> requested size of the blocks monitored processes got from
 * kmalloc, so that kfree can be charged with their bytes (addr_table.c).
 */
#ifndef _TRACER_ADDR_TABLE_H
#define _TRACER_ADDR_TABLE_H

#include <linux/atomic.h>
#include <linux/types.h>

void tracer_addr_table_init(void);
int tracer_addr_table_alloc(void);
void tracer_addr_table_free(void);
void tracer_addr_insert(unsigned long addr, size_t size, u32 owner);
size_t tracer_addr_take_slow(unsigned long addr);
extern atomic_long_t tracer_addr_nr_used;

/*
 * Every kfree() in the system calls this: while the table is empty (nothing
 * monitored allocated anything), it costs one read and no call.
 */
static __always_inline size_t tracer_addr_take(unsigned long addr)
{
	if (!atomic_long_read(&tracer_addr_nr_used))
		return 0;
	return tracer_addr_take_slow(addr);
}

void tracer_addr_purge(const u32 *owners, size_t nr_owners);
unsigned long tracer_addr_used(void);
unsigned long tracer_addr_capacity(void);
unsigned long tracer_addr_overflows(void);

#endif /* _TRACER_ADDR_TABLE_H */
