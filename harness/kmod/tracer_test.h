/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tracer_test: the interface between the test kernel module and the test
 * suite, which computes the counts it expects from the same programs.
 *
 * A program is a comma-separated list of steps "op=count" or
 * "op=count:size", run in order:
 *   kmalloc, kzalloc, kmalloc_node, kmalloc_large  runtime size (bytes: size)
 *   kmalloc_array                                 kmalloc_array(2, size)
 *   kmalloc_zero                                  kmalloc() of a runtime 0
 *   kmalloc_const, kmalloc_node_const,            compile-time sizes below
 *   kmalloc_large_const, kmalloc_large_node_const
 *   kvmalloc       kvmalloc(size): one kmalloc call on every kernel
 *   kfree          free the oldest @count blocks still held
 *   kfree_null     kfree(NULL), @count times
 *   sched          schedule(), @count times
 *   updown         down_interruptible() then up(), @count times
 *   lock           mutex_lock() then mutex_unlock(), @count times
 *   contend        the same on a mutex shared by all workers, held for a
 *                  while, so that callers sleep inside mutex_lock()
 *   recycle        free the oldest @count blocks, allocating @size bytes in
 *                  place of each; after an ioctl run, a read of the file
 *                  says how many new blocks got the address just freed
 *   free_bulk      free the oldest @count blocks (at most TT_MAX_FREED)
 *   free_rcu       through a path that does not call kfree(): kfree_bulk(),
 *   free_nolock    kfree_rcu() or kfree_nolock() (6.18+; EOPNOTSUPP before,
 *                  even for @count 0), noting their addresses; blocks of
 *                  16 bytes or more (kfree_rcu() writes an rcu_head)
 *   come_back      allocate @count blocks of @size bytes and keep them; a
 *                  read says how many got an address the last free_* freed
 * Blocks still held when a worker stops are freed then.
 *
 * /proc/tracer_test takes commands written as text; a read returns the
 * reply to the last command written on that open file:
 *   spawn PROGRAM   a kernel thread that will run PROGRAM; reply: its PID.
 *                   It is asleep, waiting for "go", when the reply comes.
 *   go PID          start it
 *   wait PID        wait until it has run its program and is asleep again;
 *                   reply: how many times it called schedule() to wait
 *                   since the end of its program
 *   stop PID        free its blocks and make it exit
 * and one ioctl, TRACER_TEST_RUN, that runs a program in the caller's own
 * context, with the blocks kept per open file (so the run allocates nothing
 * else).
 */
#ifndef _TRACER_TEST_H
#define _TRACER_TEST_H

#define TT_CONST_SIZE			64
#define TT_NODE_CONST_SIZE		192
#define TT_LARGE_CONST_SIZE		(5 * 4096 + 3)
#define TT_LARGE_NODE_CONST_SIZE	(3 * 4096 + 7)

#define TT_MAX_PROGRAM	512
#define TT_MAX_BLOCKS	4096
#define TT_MAX_FREED	64

struct tracer_test_run {
	char program[TT_MAX_PROGRAM];
};

#define TRACER_TEST_RUN _IOW('T', 1, struct tracer_test_run)

#endif /* _TRACER_TEST_H */
