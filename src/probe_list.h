/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The functions tracer probes, as one list that tracer.ko, the benchmark's
 * floor module (bench/kmod/tracer_floor.c) and the benchmark's bpftrace
 * script generator (bench/bench.c) all expand: a benchmark of "the same
 * probes" must not drift from the module's list.
 *
 * The includer defines, then includes this file where the list goes:
 *   TRACER_KMALLOC(symbol, kind)      a kmalloc entry point; @kind names
 *                                     its size argument: size0, size2 and
 *                                     size3 (argument 0, 2 or 3), or large
 *                                     (argument 0, and another kmalloc
 *                                     entry point may call it: 6.10+)
 *   TRACER_OTHER(symbol, FUNC, kind)  any other function; FUNC is the
 *                                     suffix of its enum tracer_func value
 * Symbols of other kernel versions are listed too: registration skips the
 * ones a kernel lacks.  No include guard: each includer expands it once.
 */
/* 6.1 to 6.9 */
TRACER_KMALLOC("__kmalloc", size0)
TRACER_KMALLOC("__kmalloc_node", size0)
TRACER_KMALLOC("__kmalloc_node_track_caller", size0)
TRACER_KMALLOC("kmalloc_trace", size2)
TRACER_KMALLOC("kmalloc_node_trace", size3)
TRACER_KMALLOC("kmalloc_large", large)
TRACER_KMALLOC("kmalloc_large_node", large)
/* 6.10 and later */
TRACER_KMALLOC("__kmalloc_noprof", size0)
TRACER_KMALLOC("__kmalloc_node_noprof", size0)
TRACER_KMALLOC("__kmalloc_node_track_caller_noprof", size0)
TRACER_KMALLOC("__kmalloc_cache_noprof", size2)
TRACER_KMALLOC("__kmalloc_cache_node_noprof", size3)
TRACER_KMALLOC("__kmalloc_large_noprof", large)
TRACER_KMALLOC("__kmalloc_large_node_noprof", large)

TRACER_OTHER("kfree", KFREE, kfree)
TRACER_OTHER("schedule", SCHEDULE, schedule)
TRACER_OTHER("up", UP, up)
TRACER_OTHER("down_interruptible", DOWN, down)
/* CONFIG_DEBUG_LOCK_ALLOC kernels have mutex_lock_nested() instead */
TRACER_OTHER("mutex_lock", MUTEX_LOCK, lock)
TRACER_OTHER("mutex_lock_nested", MUTEX_LOCK, lock)
TRACER_OTHER("mutex_unlock", MUTEX_UNLOCK, unlock)
