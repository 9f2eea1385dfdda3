/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tracer_test's programs: "op=count[:size],..." parsed and run, making
 * exactly the calls they name (tt_program.c).
 */
#ifndef TT_PROGRAM_H
#define TT_PROGRAM_H

#include <linux/mutex.h>
#include <linux/semaphore.h>
#include <linux/types.h>

#include "tracer_test.h"

#define TT_MAX_STEPS 24

enum tt_op {
	TT_KMALLOC, TT_KZALLOC, TT_KMALLOC_NODE, TT_KMALLOC_LARGE,
	TT_KMALLOC_ARRAY, TT_KMALLOC_ZERO, TT_KMALLOC_CONST,
	TT_KMALLOC_NODE_CONST, TT_KMALLOC_LARGE_CONST,
	TT_KMALLOC_LARGE_NODE_CONST, TT_KVMALLOC, TT_KFREE, TT_KFREE_NULL,
	TT_SCHED, TT_UPDOWN, TT_LOCK, TT_CONTEND,
	/* the recycle ops last: tt_recycle.c runs them */
	TT_RECYCLE, TT_FREE_BULK, TT_FREE_RCU, TT_FREE_NOLOCK, TT_COME_BACK,
	TT_NR_OPS
};

struct tt_step {
	enum tt_op op;
	unsigned int count;
	size_t size;
};

struct tt_program {
	struct tt_step steps[TT_MAX_STEPS];
	unsigned int nr_steps;
};

/* Blocks held, oldest first: "kfree=N" frees the N oldest. */
struct tt_blocks {
	void *ptr[TT_MAX_BLOCKS];
	unsigned int head, tail;
};

/* Everything a run touches, allocated before the run starts. */
struct tt_context {
	struct tt_blocks blocks;
	unsigned int reused;	/* "recycle" got the address it freed */
	void *freed[TT_MAX_FREED];	/* what "free_*" freed, for "come_back" */
	unsigned int nr_freed;
	struct mutex mutex;		/* private: never contended */
	struct semaphore sem;
	const bool *stop;	/* a worker's "stop" cuts its program short */
};

void tt_context_init(struct tt_context *ctx);
void tt_free_oldest(struct tt_blocks *b, unsigned int n);
int tt_parse(char *text, struct tt_program *p);
int tt_run(const struct tt_program *p, struct tt_context *ctx);
int tt_recycle(struct tt_context *ctx, const struct tt_step *s);

#endif /* TT_PROGRAM_H */
