# SPDX-License-Identifier: GPL-2.0-only
#
# Top-level Makefile of tracer-dkms.
#
#   make                 build src/tracer.ko for the running kernel
#   make KDIR=/path      ... or for the kernel tree at /path
#   make KERNELRELEASE=r ... or for /lib/modules/r/build
#   make tool            build the tracer command, tools/tracer/tracer
#   make install-tool    install it (with its man page) under /usr/local
#   make check           every test, in QEMU; never loads anything on this host
#   make check-all       make check with every lane (arm64-16k too), every
#                        stress test in full and the arm64 package journey,
#                        then make check-kernels
#                        (the build matrix)
#   make demo            the tracer on a real program inside a VM
#   make check-mttcg     the suite under multi-threaded TCG (mk/mttcg.mk)
#   make mttcg-experiment  text patching under multi-threaded TCG: tracer,
#                        the floor module, tracefs kretprobes
#
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build

# Kbuild treats a defined KERNELRELEASE as "called from Kbuild": never pass
# ours down to the kernel's Makefile.
unexport KERNELRELEASE
MAKEOVERRIDES := $(filter-out KERNELRELEASE=%,$(MAKEOVERRIDES))

.PHONY: all module tool install-tool clean check check-all demo version
all: module

# Without the kernel's build tree, say what to install rather than let the
# kernel's make fail on a missing directory.
module:
	@test -f "$(KDIR)/Makefile" || { \
	  echo "error: no kernel build tree at $(KDIR)" >&2; \
	  echo "  install the headers of kernel $(KERNELRELEASE):" >&2; \
	  echo "    Debian, Ubuntu: sudo apt install linux-headers-$(KERNELRELEASE)" >&2; \
	  echo "    Fedora, RHEL:   sudo dnf install kernel-devel-$(KERNELRELEASE)" >&2; \
	  echo "  or name another tree: make KDIR=/path/to/build (or KERNELRELEASE=...)" >&2; \
	  exit 1; }
	$(MAKE) -C src KDIR=$(KDIR)

# The tracer command, tools/tracer/tracer (make install-tool puts it in
# /usr/local; the packages ship it as tracer-utils and tracer).
tool:
	$(MAKE) -C tools/tracer tracer

install-tool:
	$(MAKE) -C tools/tracer install

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
	TRACER_ARM64_JOURNEY=1 TRACER_STRESS_SCALE=100 TRACER_LANES="debug newest 6.1 arm64-newest 5.10 newest-rt 6.12 6.1-rt arm64 debug-6.1 arm64-16k" $(MAKE) check
	$(MAKE) check-kernels

demo:
	tests/demo

-include mk/*.mk
