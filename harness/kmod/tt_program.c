// SPDX-License-Identifier: GPL-2.0-only
/*
 * tracer_test's programs: parsed in place and run in the caller's
 * context, touching only memory set up before the run (tt_context), so
 * that the calls tracer counts are exactly those the program names.
 */
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/mm.h>		/* kvzalloc() and kvfree() before 5.16 */
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "tt_program.h"

static const char *const tt_op_names[TT_NR_OPS] = {
	"kmalloc", "kzalloc", "kmalloc_node", "kmalloc_large",
	"kmalloc_array", "kmalloc_zero", "kmalloc_const",
	"kmalloc_node_const", "kmalloc_large_const",
	"kmalloc_large_node_const", "kvmalloc", "kfree", "kfree_null",
	"sched", "updown", "lock", "contend", "recycle", "free_bulk",
	"free_rcu", "free_nolock", "come_back",
};

static DEFINE_MUTEX(tt_shared_mutex);

void tt_context_init(struct tt_context *ctx)
{
	mutex_init(&ctx->mutex);
	sema_init(&ctx->sem, 1);
}

static int tt_keep(struct tt_blocks *b, void *ptr)
{
	if (!ptr)
		return -ENOMEM;
	if (b->tail - b->head == TT_MAX_BLOCKS) {
		kfree(ptr);
		return -ENOSPC;
	}
	b->ptr[b->tail++ % TT_MAX_BLOCKS] = ptr;
	return 0;
}

void tt_free_oldest(struct tt_blocks *b, unsigned int n)
{
	while (n-- && b->head != b->tail)
		kfree(b->ptr[b->head++ % TT_MAX_BLOCKS]);
}

/*
 * kvmalloc(), kept only when the slab served it: the blocks held are given
 * back with kfree(), and one from vmalloc() would need kvfree() (whose
 * kfree() call the tracepoints would name as the kernel's own).
 */
static void *tt_kvmalloc(size_t size)
{
	void *ptr = kvmalloc(size, GFP_KERNEL);

	if (ptr && is_vmalloc_addr(ptr)) {
		pr_warn("kvmalloc(%zu) was served by vmalloc()\n", size);
		vfree(ptr);
		return NULL;
	}
	return ptr;
}

/* One allocation; sizes in @s are runtime values the compiler cannot see. */
static void *tt_alloc(const struct tt_step *s)
{
	size_t size = s->size;

	OPTIMIZER_HIDE_VAR(size);
	switch (s->op) {
	case TT_KMALLOC:
	case TT_KMALLOC_LARGE:
		return kmalloc(size, GFP_KERNEL);
	case TT_KZALLOC:
		return kzalloc(size, GFP_KERNEL);
	case TT_KMALLOC_NODE:
		return kmalloc_node(size, GFP_KERNEL, NUMA_NO_NODE);
	case TT_KMALLOC_ARRAY:
		return kmalloc_array(2, size, GFP_KERNEL);
	case TT_KMALLOC_ZERO:
		size = 0;
		OPTIMIZER_HIDE_VAR(size);
		return kmalloc(size, GFP_KERNEL);
	case TT_KMALLOC_CONST:
		return kmalloc(TT_CONST_SIZE, GFP_KERNEL);
	case TT_KMALLOC_NODE_CONST:
		return kmalloc_node(TT_NODE_CONST_SIZE, GFP_KERNEL,
				    NUMA_NO_NODE);
	case TT_KMALLOC_LARGE_CONST:
		return kmalloc(TT_LARGE_CONST_SIZE, GFP_KERNEL);
	case TT_KMALLOC_LARGE_NODE_CONST:
		return kmalloc_node(TT_LARGE_NODE_CONST_SIZE, GFP_KERNEL,
				    NUMA_NO_NODE);
	case TT_KVMALLOC:
		return tt_kvmalloc(size);
	default:
		return NULL;
	}
}

/* Busy, not sleeping: a sleep would call schedule() and be counted. */
static void tt_busy_wait_us(unsigned int us)
{
	while (us--)
		ndelay(NSEC_PER_USEC);
}

static int tt_run_step(const struct tt_step *s, struct tt_context *ctx)
{
	unsigned int i;
	int err;

	if (s->op == TT_KFREE) {
		tt_free_oldest(&ctx->blocks, s->count);
		return 0;
	}
	if (s->op >= TT_RECYCLE)
		return tt_recycle(ctx, s);
	for (i = 0; i < s->count; i++) {
		if (ctx->stop && READ_ONCE(*ctx->stop))
			return -EINTR;
		switch (s->op) {
		case TT_KFREE_NULL:
			kfree(NULL);
			break;
		case TT_SCHED:
			schedule();
			break;
		case TT_UPDOWN:
			err = down_interruptible(&ctx->sem);
			if (err)
				return err;
			up(&ctx->sem);
			break;
		case TT_LOCK:
			mutex_lock(&ctx->mutex);
			mutex_unlock(&ctx->mutex);
			break;
		case TT_CONTEND:
			mutex_lock(&tt_shared_mutex);
			tt_busy_wait_us(100);
			mutex_unlock(&tt_shared_mutex);
			break;
		default:
			err = tt_keep(&ctx->blocks, tt_alloc(s));
			if (err)
				return err;
		}
	}
	return 0;
}

int tt_run(const struct tt_program *p, struct tt_context *ctx)
{
	unsigned int i;
	int err;

	for (i = 0; i < p->nr_steps; i++) {
		err = tt_run_step(&p->steps[i], ctx);
		if (err)
			return err;
	}
	return 0;
}

/* Parse "op=count[:size],..." in place, allocating nothing. */
int tt_parse(char *text, struct tt_program *p)
{
	char *step, *count, *size;
	unsigned int op;

	p->nr_steps = 0;
	while ((step = strsep(&text, ",")) != NULL) {
		struct tt_step *s = &p->steps[p->nr_steps];

		step = strim(step);
		if (!*step)
			continue;
		if (p->nr_steps == TT_MAX_STEPS)
			return -E2BIG;
		count = strchr(step, '=');
		if (!count)
			return -EINVAL;
		*count++ = '\0';
		size = strchr(count, ':');
		if (size)
			*size++ = '\0';
		for (op = 0; op < TT_NR_OPS; op++)
			if (!strcmp(step, tt_op_names[op]))
				break;
		if (op == TT_NR_OPS || kstrtouint(count, 0, &s->count) ||
		    (size && kstrtoul(size, 0, (unsigned long *)&s->size)))
			return -EINVAL;
		s->op = op;
		if (!size)
			s->size = 0;
		p->nr_steps++;
	}
	return 0;
}
