# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: what tracing costs, next to the kprobe floor and to bpftrace,
# measured in one QEMU boot per kernel lane (bench/run; README "Benchmarks").
# The table goes to build/bench/bench.md, the plot to build/bench/bench.svg.

.PHONY: bench
bench:
	bench/run
