// SPDX-License-Identifier: GPL-2.0-only
/*
 * Address -> requested size of blocks that monitored processes allocated,
 * so that a kfree() can be charged with the bytes its kmalloc() asked for.
 *
 * The table is allocated whole when the probes are armed and freed when
 * they are disarmed (arming.c): a kmalloc() inside a kmalloc probe would
 * recurse into the probe and be missed.  It is a fixed array of
 * buckets of TRACER_ADDR_BUCKET_SLOTS slots.  A full bucket drops the new
 * entry and counts an overflow; memory never grows.  Every kfree() in the
 * system removes its address, so a block freed by anyone never leaves a
 * stale size behind for its next owner.
 *
 * kfree() is probed in every context and is the hot path, so removal takes
 * no lock: it claims the slot with a cmpxchg of its address to 0.  A slot's
 * size and owner change only while it is free (or holds the same address:
 * a free we could not see), and only under its bucket's raw spinlock, which
 * inserts (monitored kmalloc() returns, process context only) and purges
 * (the reaper) take.  No interrupt handler takes it, so it is taken with
 * interrupts on.  An insert publishes the address last, with release
 * semantics, so a remover that sees the address sees its size.
 */
#include <linux/bsearch.h>
#include <linux/hash.h>
#include <linux/kprobes.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#include "addr_table.h"
#include "compat.h"

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

/*
 * Set only while armed, when no handler runs.  tracer_addr_lock keeps the
 * reaper's purge from a table being freed under it.
 */
static struct tracer_addr_slot *tracer_slots;
static raw_spinlock_t *tracer_bucket_locks;
static unsigned int tracer_bucket_bits;
static DEFINE_MUTEX(tracer_addr_lock);
atomic_long_t tracer_addr_nr_used = ATOMIC_LONG_INIT(0);
static atomic_long_t tracer_addr_nr_overflows = ATOMIC_LONG_INIT(0);

static inline unsigned long tracer_bucket_of(unsigned long addr)
{
	return hash_long(addr, tracer_bucket_bits);
}

static inline struct tracer_addr_slot *tracer_bucket_slots(unsigned long bkt)
{
	return &tracer_slots[bkt * TRACER_ADDR_BUCKET_SLOTS];
}

/* At load: the table's size, made valid, for addr_capacity to show. */
void tracer_addr_table_init(void)
{
	addr_table_size = roundup_pow_of_two(clamp(addr_table_size, 1024U,
						   1U << 24));
}

/* An empty table, before the probes that fill it are armed. */
int tracer_addr_table_alloc(void)
{
	unsigned long nr_buckets = addr_table_size / TRACER_ADDR_BUCKET_SLOTS;
	struct tracer_addr_slot *slots;
	raw_spinlock_t *locks;
	unsigned long bkt;

	/*
	 * The add that arms gets -ENOMEM and its caller says so: a failure
	 * here needs no allocation-failure report in the kernel log.
	 */
	slots = __vmalloc(array_size(addr_table_size, sizeof(*slots)),
			  GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
	locks = kvmalloc_array(nr_buckets, sizeof(*locks),
			       GFP_KERNEL | __GFP_NOWARN);
	if (!slots || !locks) {
		vfree(slots);
		kvfree(locks);
		return -ENOMEM;
	}
	for (bkt = 0; bkt < nr_buckets; bkt++)
		raw_spin_lock_init(&locks[bkt]);

	mutex_lock(&tracer_addr_lock);
	tracer_slots = slots;
	tracer_bucket_locks = locks;
	tracer_bucket_bits = ilog2(nr_buckets);
	atomic_long_set(&tracer_addr_nr_used, 0);
	mutex_unlock(&tracer_addr_lock);
	return 0;
}

/* After the probes are disarmed and their handlers have returned. */
void tracer_addr_table_free(void)
{
	mutex_lock(&tracer_addr_lock);
	vfree(tracer_slots);
	kvfree(tracer_bucket_locks);
	tracer_slots = NULL;
	tracer_bucket_locks = NULL;
	atomic_long_set(&tracer_addr_nr_used, 0);
	mutex_unlock(&tracer_addr_lock);
}

void tracer_addr_insert(unsigned long addr, size_t size, u32 owner)
{
	unsigned long bkt = tracer_bucket_of(addr);
	struct tracer_addr_slot *slots = tracer_bucket_slots(bkt);
	struct tracer_addr_slot *slot = NULL;
	unsigned int i;

	raw_spin_lock(&tracer_bucket_locks[bkt]);
	for (i = 0; i < TRACER_ADDR_BUCKET_SLOTS; i++) {
		unsigned long cur = READ_ONCE(slots[i].addr);

		/* A free we could not see: the new allocation replaces it. */
		if (cur == addr) {
			slot = &slots[i];
			break;
		}
		if (!cur && !slot)
			slot = &slots[i];
	}
	if (slot) {
		if (!READ_ONCE(slot->addr))
			atomic_long_inc(&tracer_addr_nr_used);
		WRITE_ONCE(slot->size, min_t(size_t, size, U32_MAX));
		WRITE_ONCE(slot->owner, owner);
		/* Size and owner first: tracer_addr_take() pairs with this. */
		smp_store_release(&slot->addr, addr);
	} else {
		atomic_long_inc(&tracer_addr_nr_overflows);
	}
	raw_spin_unlock(&tracer_bucket_locks[bkt]);
}

NOKPROBE_SYMBOL(tracer_addr_insert);

/*
 * Remove @addr and return its requested size, or 0 when it is not in the
 * table.  Called for every kfree() in the system, so it takes no lock (see
 * the top of this file).  The size read before the cmpxchg is the entry's:
 * while @addr is allocated nobody else can insert it, and a purge or
 * another remover only clears the slot, which makes our cmpxchg fail.
 */
size_t tracer_addr_take_slow(unsigned long addr)
{
	struct tracer_addr_slot *slots;
	unsigned int i;
	u32 size;

	if (ZERO_OR_NULL_PTR((void *)addr))
		return 0;

	slots = tracer_bucket_slots(tracer_bucket_of(addr));
	for (i = 0; i < TRACER_ADDR_BUCKET_SLOTS; i++) {
		/* Pairs with tracer_addr_insert(): the size is the entry's. */
		if (smp_load_acquire(&slots[i].addr) == addr)
			break;
	}
	if (i == TRACER_ADDR_BUCKET_SLOTS)
		return 0;

	size = READ_ONCE(slots[i].size);
	if (cmpxchg(&slots[i].addr, addr, 0) != addr)
		return 0;
	atomic_long_dec(&tracer_addr_nr_used);
	return size;
}

NOKPROBE_SYMBOL(tracer_addr_take_slow);

static int tracer_cmp_owner(const void *key, const void *elt)
{
	u32 a = *(const u32 *)key, b = *(const u32 *)elt;

	return a < b ? -1 : a > b;
}

/* Drop every entry owned by one of @owners (sorted ascending). */
void tracer_addr_purge(const u32 *owners, size_t nr_owners)
{
	unsigned long bkt, addr;
	struct tracer_addr_slot *slots;
	unsigned int i;

	mutex_lock(&tracer_addr_lock);
	for (bkt = 0; tracer_slots && bkt < 1UL << tracer_bucket_bits; bkt++) {
		if (!atomic_long_read(&tracer_addr_nr_used))
			break;
		slots = tracer_bucket_slots(bkt);
		raw_spin_lock(&tracer_bucket_locks[bkt]);
		for (i = 0; i < TRACER_ADDR_BUCKET_SLOTS; i++) {
			addr = READ_ONCE(slots[i].addr);
			if (!addr ||
			    !bsearch(&slots[i].owner, owners, nr_owners,
				     sizeof(*owners), tracer_cmp_owner))
				continue;
			/* A remover may clear it first: count it once. */
			if (cmpxchg(&slots[i].addr, addr, 0) == addr)
				atomic_long_dec(&tracer_addr_nr_used);
		}
		raw_spin_unlock(&tracer_bucket_locks[bkt]);
		if (!(bkt & 1023))
			cond_resched();
	}
	mutex_unlock(&tracer_addr_lock);
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
