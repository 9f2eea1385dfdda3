/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * The counters of a /proc/tracer row, in column order after the PID: one
 * TRACER_COUNTER(ID, name, bytes) per counter, with the column's name in
 * the header line, and bytes 1 for a sum of bytes, 0 for a count of calls.
 * The module, the tracer command, the tests and the benchmark all expand
 * this list: define TRACER_COUNTER, include this file, undefine it (there
 * is no include guard, on purpose).
 *
 * Readers split rows on whitespace and existing programs read the first
 * nine columns: a new counter goes at the end, never in between.
 */
TRACER_COUNTER(KMALLOC, "kmalloc", 0)
TRACER_COUNTER(KFREE, "kfree", 0)
TRACER_COUNTER(KMALLOC_MEM, "kmalloc_mem", 1)
TRACER_COUNTER(KFREE_MEM, "kfree_mem", 1)
TRACER_COUNTER(SCHED, "sched", 0)
TRACER_COUNTER(UP, "up", 0)
TRACER_COUNTER(DOWN, "down", 0)
TRACER_COUNTER(LOCK, "lock", 0)
TRACER_COUNTER(UNLOCK, "unlock", 0)
