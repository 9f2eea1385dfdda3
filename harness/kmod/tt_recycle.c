// SPDX-License-Identifier: GPL-2.0-only
/*
 * tracer_test's ops that give freed addresses back to new blocks, for the
 * stale-size tests.  They run in an unmonitored process, on one CPU, where
 * the slab hands freed addresses back:
 *   recycle    kfree() each of the oldest blocks and allocate one in its
 *              place (the benchmark runs it monitored: nothing else is
 *              allocated);
 *   free_*     free the oldest blocks through a path that does not call
 *              kfree(), noting their addresses;
 *   come_back  allocate blocks, counting those that got a noted address
 *              (after kfree_rcu(), once the kernel has really freed them).
 */
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tt_program.h"

#ifdef TT_HAVE_KFREE_NOLOCK
#include <linux/kfence.h>	/* 5.12+ */
#endif

/* kfree_rcu() needs an rcu_head in the block: its first bytes serve. */
struct tt_rcu_block {
	struct rcu_head rcu;
};

static int tt_recycle_kfree(struct tt_context *ctx, const struct tt_step *s)
{
	struct tt_blocks *b = &ctx->blocks;
	unsigned int i;
	void *old, *new;

	for (i = 0; i < s->count && b->head != b->tail; i++) {
		old = b->ptr[b->head++ % TT_MAX_BLOCKS];
		kfree(old);
		new = kmalloc(s->size, GFP_KERNEL);
		if (!new)
			return -ENOMEM;
		ctx->reused += new == old;
		b->ptr[b->tail++ % TT_MAX_BLOCKS] = new;
	}
	return 0;
}

/*
 * kfree_nolock() skips KFENCE's bookkeeping, so a block that KFENCE sampled
 * goes back with kfree(), and is not noted.
 */
static void tt_free_nolock(void **p)
{
#ifdef TT_HAVE_KFREE_NOLOCK
	if (!is_kfence_address(*p)) {
		kfree_nolock(*p);
		return;
	}
#endif
	kfree(*p);
	*p = NULL;
}

static int tt_free_other(struct tt_context *ctx, const struct tt_step *s)
{
	struct tt_blocks *b = &ctx->blocks;
	void *copy[TT_MAX_FREED];
	unsigned int i, n = 0;

	while (n < s->count && n < TT_MAX_FREED && b->head != b->tail)
		ctx->freed[n++] = b->ptr[b->head++ % TT_MAX_BLOCKS];
	ctx->nr_freed = n;
	/* kmem_cache_free_bulk() warns about 0 objects (5.10). */
	if (s->op == TT_FREE_BULK && n) {
		/* kfree_bulk() may clear the array it is given. */
		memcpy(copy, ctx->freed, n * sizeof(*copy));
		kfree_bulk(n, copy);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (s->op == TT_FREE_RCU)
			kfree_rcu((struct tt_rcu_block *)ctx->freed[i], rcu);
		else
			tt_free_nolock(&ctx->freed[i]);
	}
	return 0;
}

static int tt_come_back(struct tt_context *ctx, const struct tt_step *s)
{
	struct tt_blocks *b = &ctx->blocks;
	unsigned int i, j;
	void *new;

	for (i = 0; i < s->count; i++) {
		new = kmalloc(s->size, GFP_KERNEL);
		if (!new)
			return -ENOMEM;
		for (j = 0; j < ctx->nr_freed; j++)
			ctx->reused += new == ctx->freed[j];
		b->ptr[b->tail++ % TT_MAX_BLOCKS] = new;
	}
	return 0;
}

int tt_recycle(struct tt_context *ctx, const struct tt_step *s)
{
	if (s->op == TT_RECYCLE)
		return tt_recycle_kfree(ctx, s);
	if (s->op == TT_COME_BACK)
		return tt_come_back(ctx, s);
#ifndef TT_HAVE_KFREE_NOLOCK
	/* Even for @count 0: the suite asks whether the path exists. */
	if (s->op == TT_FREE_NOLOCK)
		return -EOPNOTSUPP;
#endif
	return tt_free_other(ctx, s);
}
