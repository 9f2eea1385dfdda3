# SPDX-License-Identifier: GPL-2.0-only
#
# make check-kernels: the build matrix.  src/ built with W=1 and sparse
# against every Debian kernel headers package of bullseye, bookworm, trixie
# (and its backports) and sid, amd64, rt-amd64, cloud-amd64 and arm64
# flavours, with each suite's own gcc in a cached build root of the suite
# (tests/kernels/check-kernels).  Not part of make check: it downloads
# every suite's headers (hours cold; a rerun rebuilds only what changed).
#
#   TRACER_SUITES="trixie sid"  TRACER_KERNEL_FILTER='^7\.'
#   TRACER_KERNEL_ARCHES=amd64  narrow it down

.PHONY: check-kernels
check-kernels:
	tests/kernels/check-kernels
