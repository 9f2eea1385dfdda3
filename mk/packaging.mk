# SPDX-License-Identifier: GPL-2.0-only
#
# Packaging targets of tracer-dkms (included by the top-level Makefile,
# which defines VERSION from dkms.conf).
#
#   make install          copy the sources to /usr/src/tracer-$(VERSION) and
#                         dkms add/build/install them (root; for the kernel
#                         KERNELRELEASE, the running one by default)
#   make uninstall        dkms remove --all and delete what install added
#   make deb              build/tracer-dkms_$(VERSION)_all.deb and
#                         build/tracer-utils_$(VERSION)_<arch>.deb
#   make rpm              build/tracer-dkms-$(VERSION)-1.noarch.rpm and
#                         build/tracer-$(VERSION)-1.<arch>.rpm (the command)
#   make deb PKG_ARCH=arm64, make rpm PKG_ARCH=arm64
#                         cross-build the command's packages (tracer-utils,
#                         the tracer rpm) for another Debian architecture;
#                         needs crossbuild-essential-ARCH and libc6-dev:ARCH
#                         (dpkg --add-architecture ARCH first)
#   make check-packages   tests/packages/run: build, lint, install in a
#                         Debian 12 chroot, boot both kernels in QEMU
#
# The targets install the Debian packages they need when these are missing.

PKG_BUILD     := $(CURDIR)/build
PKG_STAGE     := $(PKG_BUILD)/stage/tracer-$(VERSION)
PKG_RPMTOP    := $(PKG_BUILD)/rpm
PKG_SRCDIR    := /usr/src/tracer-$(VERSION)
PKG_UDEV_RULE := /etc/udev/rules.d/60-tracer-dkms.rules
PKG_MODPROBE  := /etc/modprobe.d/tracer.conf

# PKG_ARCH: the Debian architecture of tracer-utils and of the tracer rpm
# when it is not the build machine's.  A cross build makes only those:
# tracer-dkms is Architecture: all (noarch), the same on every machine.
PKG_ARCH ?=
ifneq ($(PKG_ARCH),)
PKG_TRIPLET  := $(shell dpkg-architecture -a$(PKG_ARCH) -qDEB_HOST_GNU_TYPE 2>/dev/null)
PKG_DEB_OPTS := -B -a$(PKG_ARCH)
PKG_RPM_OPTS := --target $(shell dpkg-architecture -a$(PKG_ARCH) -qDEB_HOST_GNU_CPU 2>/dev/null) \
	--define "__cc $(PKG_TRIPLET)-gcc" --define "__strip $(PKG_TRIPLET)-strip" \
	--define "__objdump $(PKG_TRIPLET)-objdump"
PKG_CROSS    := crossbuild-essential-$(PKG_ARCH) libc6-dev:$(PKG_ARCH)
else
PKG_DEB_OPTS := -b
endif

# Build products that must never be packaged (tar --exclude patterns).
PKG_JUNK := '*.o' '*.ko' '*.mod' '*.mod.c' '.*.cmd' '*.a' '.*.d' '*.dwo' \
	'Module.symvers' 'modules.order' '.tmp_versions' '.cache.mk'

# $(call pkg_need,deb-packages): apt-get install those that are missing
# (nothing on a machine without apt-get).
define pkg_need
	@if command -v apt-get >/dev/null 2>&1; then \
	  missing=""; \
	  for p in $(1); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q ' installed$$' || missing="$$missing $$p"; \
	  done; \
	  if [ -n "$$missing" ]; then \
	    echo "apt-get install:$$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends $$missing || \
	    { apt-get -o DPkg::Lock::Timeout=300 update && apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends $$missing; }; \
	  fi; \
	fi
endef

.PHONY: deb rpm install uninstall check-packages check-version pkg-stage

# debian/changelog and dkms.conf must carry the same version.
check-version:
	@test -n "$(VERSION)" || { echo "error: no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }
	@test -z "$(PKG_ARCH)" || test -n "$(PKG_TRIPLET)" || \
	  { echo "error: PKG_ARCH=$(PKG_ARCH) is not a Debian architecture" >&2; exit 1; }
	@test -z "$(PKG_ARCH)" || [ "$(PKG_ARCH)" = "$$(dpkg --print-architecture)" ] || \
	  dpkg --print-foreign-architectures | grep -qx '$(PKG_ARCH)' || \
	  { echo "error: PKG_ARCH=$(PKG_ARCH): run dpkg --add-architecture $(PKG_ARCH) && apt-get update first" >&2; exit 1; }
	@deb=$$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' debian/changelog); \
	 deb=$${deb#*:}; deb=$${deb%-*}; \
	 if [ "$$deb" != "$(VERSION)" ]; then \
	   echo "error: version mismatch: debian/changelog has $$deb, dkms.conf has $(VERSION)" >&2; \
	   echo "       (dkms.conf is the reference: run dch -v $(VERSION))" >&2; \
	   exit 1; \
	 fi

# A clean copy of the tree: the files git tracks (with their working-tree
# content), or everything but build products outside a git checkout.
pkg-stage:
	rm -rf $(PKG_BUILD)/stage
	mkdir -p $(PKG_STAGE)
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  git ls-files -z --cached | \
	    xargs -0 sh -c 'for f; do [ -e "$$f" ] || [ -L "$$f" ] && printf "%s\0" "$$f"; done' sh | \
	    tar --null -T - -c --no-wildcards-match-slash $(addprefix --exclude=,$(PKG_JUNK)) | tar -C $(PKG_STAGE) -x; \
	else \
	  tar -c --no-wildcards-match-slash --exclude=./build --exclude-vcs $(addprefix --exclude=,$(PKG_JUNK)) . | \
	    tar -C $(PKG_STAGE) -x; \
	fi

deb: check-version
	$(call pkg_need,debhelper dh-dkms dkms dpkg-dev fakeroot gcc libc6-dev make $(PKG_CROSS))
	$(MAKE) --no-print-directory pkg-stage
	cd $(PKG_STAGE) && dpkg-buildpackage -us -uc $(PKG_DEB_OPTS)
	cp $(if $(PKG_ARCH),,$(PKG_BUILD)/stage/tracer-dkms_$(VERSION)_all.deb) \
	   $(PKG_BUILD)/stage/tracer-utils_$(VERSION)_*.deb \
	   $(PKG_BUILD)/stage/tracer-utils-dbgsym_$(VERSION)_*.deb \
	   $(PKG_BUILD)/stage/tracer_$(VERSION)_*.buildinfo \
	   $(PKG_BUILD)/stage/tracer_$(VERSION)_*.changes $(PKG_BUILD)/
	@echo built $$(cd $(PKG_BUILD)/stage && ls *_$(VERSION)_*.deb | sed 's|^|$(PKG_BUILD)/|')

rpm: check-version
	$(call pkg_need,rpm gcc libc6-dev make $(PKG_CROSS))
	$(MAKE) --no-print-directory pkg-stage
	rm -rf $(PKG_RPMTOP)
	mkdir -p $(PKG_RPMTOP)/SOURCES
	tar -C $(PKG_BUILD)/stage -czf $(PKG_RPMTOP)/SOURCES/tracer-$(VERSION).tar.gz \
	    --owner=0 --group=0 tracer-$(VERSION)
	@# On a dpkg system rpm's database knows nothing of the installed gcc
	@# and make (BuildRequires of the command): pkg_need installed them.
	rpmbuild -bb $(if $(wildcard /var/lib/dpkg/status),--nodeps) $(PKG_RPM_OPTS) \
	    --define "_topdir $(PKG_RPMTOP)" \
	    --define "tracer_version $(VERSION)" rpm/tracer-dkms.spec
	cp $(PKG_RPMTOP)/RPMS/noarch/tracer-dkms-$(VERSION)-*.noarch.rpm $(PKG_BUILD)/
	cp $(PKG_RPMTOP)/RPMS/*/tracer-$(VERSION)-*.rpm $(PKG_BUILD)/
	@echo "built $$(ls $(PKG_BUILD)/tracer-dkms-$(VERSION)-*.noarch.rpm $(PKG_BUILD)/tracer-$(VERSION)-*.rpm)"

# Install from this source tree through DKMS (as root).
install:
	@test "$$(id -u)" = 0 || { echo "error: make install needs root" >&2; exit 1; }
	@if dpkg-query -W -f='$${Status}\n' tracer-dkms 2>/dev/null | grep -q ' installed$$' || \
	    rpm -q tracer-dkms >/dev/null 2>&1; then \
	  echo "error: the tracer-dkms package is installed; remove it first" >&2; exit 1; \
	fi
	$(call pkg_need,dkms)
	-dkms remove -m tracer -v $(VERSION) --all >/dev/null 2>&1
	rm -rf $(PKG_SRCDIR)
	$(MAKE) --no-print-directory pkg-stage
	install -d $(PKG_SRCDIR)
	cp -R $(PKG_STAGE)/src $(PKG_SRCDIR)/
	install -m 0644 $(PKG_STAGE)/dkms.conf $(PKG_STAGE)/LICENSE $(PKG_SRCDIR)/
	getent group tracer >/dev/null || groupadd -r tracer
	install -D -m 0644 udev/60-tracer-dkms.rules $(PKG_UDEV_RULE)
	test -e $(PKG_MODPROBE) || install -D -m 0644 modprobe.d/tracer.conf $(PKG_MODPROBE)
	dkms add -m tracer -v $(VERSION)
	dkms build -m tracer -v $(VERSION) -k $(KERNELRELEASE)
	dkms install -m tracer -v $(VERSION) -k $(KERNELRELEASE)
	dkms status -m tracer

uninstall:
	@test "$$(id -u)" = 0 || { echo "error: make uninstall needs root" >&2; exit 1; }
	if dkms status -m tracer -v $(VERSION) 2>/dev/null | grep -q .; then \
	  dkms remove -m tracer -v $(VERSION) --all; fi
	rm -rf $(PKG_SRCDIR)
	rm -f $(PKG_UDEV_RULE)
	if cmp -s modprobe.d/tracer.conf $(PKG_MODPROBE); then rm -f $(PKG_MODPROBE); fi

check-packages:
	tests/packages/run
