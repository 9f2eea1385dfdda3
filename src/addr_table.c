// SPDX-License-Identifier: GPL-2.0-only
/*
 * Address -> requested size of blocks that monitored processes allocated,
 * so that a kfree() can be charged with the bytes its kmalloc() asked for.
 *
 * The table is preallocated at load: a kmalloc() inside a kmalloc probe
 * would recurse into the probe and be missed.  It is a fixed array of
 * buckets of TRACER_ADDR_BUCKET_SLOTS slots.  A full bucket drops the new
 * entry and counts an overflow; memory never grows.  Each bucket has its own
 * raw spinlock, taken with interrupts off because kfree() is probed in every
 * context.  Every kfree() in the system removes its address, so a block
 * freed by anyone never leaves a stale size behind for its next owner.
 */
#include <linux/bsearch.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#include "tracer.h"

/* 8 slots of 16 bytes: a bucket is two cache lines. */
#define TRACER_ADDR_BUCKET_SLOTS 8

struct tracer_addr_slot {
	unsigned long addr;	/* 0 when the slot is free */
	u32 size;		/* requested size; kmalloc sizes fit in 32 bits */
	u32 owner;		/* serial of the allocating process */
};

static unsigned int addr_table_size = 65536;
module_param(addr_table_size, uint, 0444);
MODULE_PARM_DESC(addr_table_size,
		 "Slots of the address->size table, a power of two (default 65536)");

static struct tracer_addr_slot *tracer_slots;
static raw_spinlock_t *tracer_bucket_locks;
static unsigned int tracer_bucket_bits;
static atomic_long_t tracer_addr_nr_used = ATOMIC_LONG_INIT(0);
static atomic_long_t tracer_addr_nr_overflows = ATOMIC_LONG_INIT(0);

static inline unsigned long tracer_bucket_of(unsigned long addr)
{
	return hash_long(addr, tracer_bucket_bits);
}

static inline struct tracer_addr_slot *tracer_bucket_slots(unsigned long bkt)
{
	return &tracer_slots[bkt * TRACER_ADDR_BUCKET_SLOTS];
}

int tracer_addr_table_init(void)
{
	unsigned long nr_slots, nr_buckets, bkt;

	nr_slots = clamp(addr_table_size, 1024U, 1U << 24);
	nr_slots = roundup_pow_of_two(nr_slots);
	nr_buckets = nr_slots / TRACER_ADDR_BUCKET_SLOTS;

	tracer_slots = vzalloc(array_size(nr_slots, sizeof(*tracer_slots)));
	tracer_bucket_locks = kvmalloc_array(nr_buckets,
					     sizeof(*tracer_bucket_locks),
					     GFP_KERNEL);
	if (!tracer_slots || !tracer_bucket_locks) {
		vfree(tracer_slots);
		kvfree(tracer_bucket_locks);
		return -ENOMEM;
	}
	for (bkt = 0; bkt < nr_buckets; bkt++)
		raw_spin_lock_init(&tracer_bucket_locks[bkt]);
	tracer_bucket_bits = ilog2(nr_buckets);
	addr_table_size = nr_slots;
	return 0;
}

void tracer_addr_table_exit(void)
{
	vfree(tracer_slots);
	kvfree(tracer_bucket_locks);
}

void tracer_addr_insert(unsigned long addr, size_t size, u32 owner)
{
	unsigned long bkt = tracer_bucket_of(addr), flags;
	struct tracer_addr_slot *slots = tracer_bucket_slots(bkt);
	struct tracer_addr_slot *slot = NULL;
	unsigned int i;

	raw_spin_lock_irqsave(&tracer_bucket_locks[bkt], flags);
	for (i = 0; i < TRACER_ADDR_BUCKET_SLOTS; i++) {
		/* A free we could not see: the new allocation replaces it. */
		if (slots[i].addr == addr) {
			slot = &slots[i];
			break;
		}
		if (!slots[i].addr && !slot)
			slot = &slots[i];
	}
	if (slot) {
		if (!slot->addr)
			atomic_long_inc(&tracer_addr_nr_used);
		slot->size = min_t(size_t, size, U32_MAX);
		slot->owner = owner;
		WRITE_ONCE(slot->addr, addr);
	} else {
		atomic_long_inc(&tracer_addr_nr_overflows);
	}
	raw_spin_unlock_irqrestore(&tracer_bucket_locks[bkt], flags);
}

/*
 * Remove @addr and return its requested size, or 0 when it is not in the
 * table.  Called for every kfree() in the system, so the common miss takes
 * no lock: only the kfree() of a block can remove its entry, and that kfree()
 * is ordered after the kmalloc() return that inserted it.
 */
size_t tracer_addr_take(unsigned long addr)
{
	struct tracer_addr_slot *slots;
	unsigned long bkt, flags;
	size_t size = 0;
	unsigned int i;

	if (!atomic_long_read(&tracer_addr_nr_used) ||
	    ZERO_OR_NULL_PTR((void *)addr))
		return 0;

	bkt = tracer_bucket_of(addr);
	slots = tracer_bucket_slots(bkt);
	for (i = 0; i < TRACER_ADDR_BUCKET_SLOTS; i++)
		if (READ_ONCE(slots[i].addr) == addr)
			break;
	if (i == TRACER_ADDR_BUCKET_SLOTS)
		return 0;

	raw_spin_lock_irqsave(&tracer_bucket_locks[bkt], flags);
	if (slots[i].addr == addr) {
		size = slots[i].size;
		WRITE_ONCE(slots[i].addr, 0);
		atomic_long_dec(&tracer_addr_nr_used);
	}
	raw_spin_unlock_irqrestore(&tracer_bucket_locks[bkt], flags);
	return size;
}

static int tracer_cmp_owner(const void *key, const void *elt)
{
	u32 a = *(const u32 *)key, b = *(const u32 *)elt;

	return a < b ? -1 : a > b;
}

/* Drop every entry owned by one of @owners (sorted ascending). */
void tracer_addr_purge(const u32 *owners, size_t nr_owners)
{
	unsigned long bkt, nr_buckets = 1UL << tracer_bucket_bits, flags;
	struct tracer_addr_slot *slots;
	unsigned int i;

	for (bkt = 0; bkt < nr_buckets; bkt++) {
		if (!atomic_long_read(&tracer_addr_nr_used))
			return;
		slots = tracer_bucket_slots(bkt);
		raw_spin_lock_irqsave(&tracer_bucket_locks[bkt], flags);
		for (i = 0; i < TRACER_ADDR_BUCKET_SLOTS; i++) {
			if (!slots[i].addr ||
			    !bsearch(&slots[i].owner, owners, nr_owners,
				     sizeof(*owners), tracer_cmp_owner))
				continue;
			WRITE_ONCE(slots[i].addr, 0);
			atomic_long_dec(&tracer_addr_nr_used);
		}
		raw_spin_unlock_irqrestore(&tracer_bucket_locks[bkt], flags);
		if (!(bkt & 1023))
			cond_resched();
	}
}

unsigned long tracer_addr_used(void)
{
	return atomic_long_read(&tracer_addr_nr_used);
}

unsigned long tracer_addr_capacity(void)
{
	return addr_table_size;
}

unsigned long tracer_addr_overflows(void)
{
	return atomic_long_read(&tracer_addr_nr_overflows);
}
