# SPDX-License-Identifier: GPL-2.0-only
#
# Multi-threaded TCG (QEMU one host thread per vCPU), opt-in: make check
# uses single-threaded TCG (harness/vm.sh says why).
#
#   make check-mttcg       the whole suite, stress tests in full, on the
#                          newest kernel under multi-threaded TCG
#   make mttcg-experiment  the reload under load with tracer, with the
#                          floor module and with tracefs kretprobes, each
#                          TRACER_MTTCG_RUNS times (tests/vm/mttcg-experiment)

.PHONY: check-mttcg mttcg-experiment
check-mttcg:
	TRACER_VM_ACCEL=mttcg TRACER_LANES=newest TRACER_STRESS_SCALE=100 \
	TRACER_SKIP_PACKAGES=1 TRACER_SKIP_BENCH=1 tests/check

mttcg-experiment:
	tests/vm/mttcg-experiment
