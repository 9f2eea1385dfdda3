/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * The counters of a /proc/tracer row, in column order after the PID: one
 * TRACER_COUNTER(ID, name, function, bytes, help) per counter.
 *   name      the column's name in the header line (and in JSON)
 *   function  the kernel function it counts, for the metric name
 *             (tracer_<function>_calls_total, or _bytes_total)
 *   bytes     1 for a sum of bytes, 0 for a count of calls
 *   help      what it counts, in words (the metric's HELP)
 * The module, the tracer command, the tests and the benchmark all expand
 * this list: define TRACER_COUNTER, include this file, undefine it (there
 * is no include guard, on purpose).
 *
 * Readers split rows on whitespace and existing programs read the first
 * nine columns: a new counter goes at the end, never in between.
 */
TRACER_COUNTER(KMALLOC, "kmalloc", "kmalloc", 0,
	       "Calls of kmalloc() by the process.")
TRACER_COUNTER(KFREE, "kfree", "kfree", 0,
	       "Calls of kfree() by the process.")
TRACER_COUNTER(KMALLOC_MEM, "kmalloc_mem", "kmalloc", 1,
	       "Bytes the process asked of kmalloc().")
TRACER_COUNTER(KFREE_MEM, "kfree_mem", "kfree", 1,
	       "Bytes of kmalloc() blocks the process gave back with kfree().")
TRACER_COUNTER(SCHED, "sched", "schedule", 0,
	       "Calls of schedule() by the process.")
TRACER_COUNTER(UP, "up", "up", 0,
	       "Calls of up() by the process.")
TRACER_COUNTER(DOWN, "down", "down_interruptible", 0,
	       "Calls of down_interruptible() by the process.")
TRACER_COUNTER(LOCK, "lock", "mutex_lock", 0,
	       "Calls of mutex_lock() by the process.")
TRACER_COUNTER(UNLOCK, "unlock", "mutex_unlock", 0,
	       "Calls of mutex_unlock() by the process.")
