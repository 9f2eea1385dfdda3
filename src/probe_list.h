/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The functions tracer probes, as one list that tracer.ko, the benchmark's
 * floor module (bench/kmod/tracer_floor.c) and the benchmark's bpftrace
 * script generator (bench/bench.c) all expand: a benchmark of "the same
 * probes" must not drift from the module's list.
 *
 * The includer defines, then includes this file where the list goes:
 *   TRACER_KMALLOC(symbol, kind)      a kmalloc entry point; @kind names
 *                                     its size argument and its rule:
 *       size0, size2, size3  argument 0, 2 or 3; not counted when called
 *                            from another kmalloc entry point (that one
 *                            counted the call: a large kmalloc on 6.10+)
 *       small0               argument 0, counted only up to
 *                            KMALLOC_MAX_CACHE_SIZE: a larger size goes on
 *                            to kmalloc_order_trace(), which counts it
 *       order0               argument 0, always counted: it may be reached
 *                            by a tail call, which leaves no caller to test
 *   TRACER_OTHER(symbol, FUNC, kind)  any other function; FUNC is the
 *                                     suffix of its enum tracer_func value
 * Symbols of other kernel versions are listed too: registration skips the
 * ones a kernel lacks.  No include guard: each includer expands it once.
 */
#ifdef COMPAT_KMALLOC_ORDER_TRACE
/* 5.10 */
TRACER_KMALLOC("__kmalloc", small0)
TRACER_KMALLOC("__kmalloc_track_caller", small0)
TRACER_KMALLOC("kmalloc_order_trace", order0)
TRACER_KMALLOC("kmem_cache_alloc_trace", size2)
TRACER_KMALLOC("kmem_cache_alloc_node_trace", size3)
#else
/* 6.1 to 6.9 */
TRACER_KMALLOC("__kmalloc", size0)
TRACER_KMALLOC("kmalloc_trace", size2)
TRACER_KMALLOC("kmalloc_node_trace", size3)
TRACER_KMALLOC("kmalloc_large", size0)
TRACER_KMALLOC("kmalloc_large_node", size0)
#endif
TRACER_KMALLOC("__kmalloc_node", size0)
TRACER_KMALLOC("__kmalloc_node_track_caller", size0)
/* 6.10 and later */
TRACER_KMALLOC("__kmalloc_noprof", size0)
TRACER_KMALLOC("__kmalloc_node_noprof", size0)
TRACER_KMALLOC("__kmalloc_node_track_caller_noprof", size0)
TRACER_KMALLOC("__kmalloc_cache_noprof", size2)
TRACER_KMALLOC("__kmalloc_cache_node_noprof", size3)
TRACER_KMALLOC("__kmalloc_large_noprof", size0)
TRACER_KMALLOC("__kmalloc_large_node_noprof", size0)
#ifdef COMPAT_KVMALLOC_FIRES_KMALLOC
/*
 * kvmalloc() fires kmem:kmalloc itself, so it counts as a kmalloc call.
 * One that the slab cannot serve still counts, as the tracepoint does,
 * even when vmalloc() serves it next.
 */
TRACER_KMALLOC("__kvmalloc_node_noprof", size0)
#endif
/*
 * 7.x: the slab's own allocations (sheaves, object vectors), not exported
 * but probe-able.  They happen in the context of whichever kmalloc(),
 * kmem_cache_alloc() or kfree() needed them, and count for that process,
 * as kmem:kmalloc charges them.  Those that may not spin go through
 * kmalloc_nolock(), which fires no tracepoint but counts here too.
 */
TRACER_KMALLOC("__kmalloc_flags_noprof", size0)

TRACER_OTHER("kfree", KFREE, kfree)
/*
 * Frees of kmalloc blocks that do not call kfree(): their addresses are
 * dropped from the table, so that a later kfree() of the same address by a
 * monitored process never reuses a stale size.  They are not kfree() calls
 * and are not counted as such (kmem:kfree does not fire for them either).
 *   kfree_bulk(), and the kfree_rcu() batches that end in it
 *   kfree_rcu() handing a block to a slab sheaf (7.x), at the call: the
 *   block is the slab's from then on, freed after a grace period
 *   kfree_nolock() (6.18+), which the slab's own kmalloc_nolock() blocks
 *   (counted through __kmalloc_flags_noprof above) are freed with
 * kvfree() and kvfree_atomic() call kfree() for slab blocks.
 */
TRACER_OTHER("kmem_cache_free_bulk", DROP, drop_bulk)
TRACER_OTHER("__kfree_rcu_sheaf", DROP, drop_arg1)
TRACER_OTHER("kfree_nolock", DROP, drop_arg0)
TRACER_OTHER("schedule", SCHEDULE, schedule)
TRACER_OTHER("up", UP, up)
TRACER_OTHER("down_interruptible", DOWN, down)
/* CONFIG_DEBUG_LOCK_ALLOC kernels have mutex_lock_nested() instead */
TRACER_OTHER("mutex_lock", MUTEX_LOCK, lock)
TRACER_OTHER("mutex_lock_nested", MUTEX_LOCK, lock)
TRACER_OTHER("mutex_unlock", MUTEX_UNLOCK, unlock)
