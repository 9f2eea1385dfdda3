# SPDX-License-Identifier: GPL-2.0-only
#
# Top-level Makefile of tracer-dkms.
#
#   make                 build src/tracer.ko for the running kernel
#   make KDIR=/path      ... or for the kernel tree at /path
#   make KERNELRELEASE=r ... or for /lib/modules/r/build
#   make check           every test, in QEMU; never loads anything on this host
#   make check-all       make check with every lane (arm64-16k too) and
#                        every stress test in full, then make check-kernels
#                        (the build matrix)
#   make demo            the tracer on a real program inside a VM
#
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build

# Kbuild treats a defined KERNELRELEASE as "called from Kbuild": never pass
# ours down to the kernel's Makefile.
unexport KERNELRELEASE
MAKEOVERRIDES := $(filter-out KERNELRELEASE=%,$(MAKEOVERRIDES))

.PHONY: all module clean check check-all demo version
all: module

module:
	$(MAKE) -C src KDIR=$(KDIR)

clean:
	$(MAKE) -C src clean KDIR=$(KDIR) 2>/dev/null || true
	rm -rf build

version:
	@echo $(VERSION)

# KDIR=/KERNEL= on the command line add a lane for that kernel to make check.
check:
	TRACER_KDIR="$(if $(filter command line,$(origin KDIR)),$(KDIR))" \
	TRACER_KERNEL="$(KERNEL)" tests/check

check-all:
	TRACER_STRESS_SCALE=100 TRACER_LANES="debug newest 6.1 arm64-newest 5.10 newest-rt 6.12 6.1-rt arm64 arm64-16k" $(MAKE) check
	$(MAKE) check-kernels

demo:
	tests/demo

-include mk/*.mk
