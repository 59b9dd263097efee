# runtime/: sublet, the OCI runtime, in rooms that depend downwards only:
# cli/ (one file per subcommand) -> run/ (sublet run IMAGE) -> image/
# (the image store) -> oci/ (the OCI core, a library that never prints)
SUBLET := $(O)/runtime/sublet
SUBLET_SRCS := $(wildcard runtime/*/*.c)
SUBLET_OBJS := $(patsubst %.c,$(O)/%.o,$(SUBLET_SRCS))
SUBLET_PKGS := json-c libcap libseccomp libarchive libcrypto libsystemd
# paths are built with snprintf into PATH_MAX buffers; truncation there is
# caught by the syscall that uses the path (ENOENT/ENAMETOOLONG)
$(SUBLET_OBJS): PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(SUBLET_PKGS)) \
	-Wno-format-truncation
$(SUBLET): $(SUBLET_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_LIBS) \
		$(shell $(PKG_CONFIG) --libs $(SUBLET_PKGS))
PROGS += $(SUBLET)

# unit tests link the library objects (every room but cli/)
SUBLET_LIB_OBJS := $(filter-out $(O)/runtime/cli/%.o,$(SUBLET_OBJS))
SUBLET_UNIT := $(patsubst %.c,$(O)/%.t,$(wildcard tests/unit/runtime-*.c))
$(SUBLET_UNIT): PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(SUBLET_PKGS))
$(SUBLET_UNIT): $(O)/%.t: %.c $(SUBLET_LIB_OBJS) $(LIB) tests/unit/tap.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(SUBLET_LIB_OBJS) $(LIB) \
		$(LIB_LIBS) $(shell $(PKG_CONFIG) --libs $(SUBLET_PKGS))
UNIT_TESTS += $(SUBLET_UNIT)

# test helper: receives a console socket's pty master (tests/helpers/)
RECVTTY := $(O)/tests/helpers/recvtty
$(RECVTTY): tests/helpers/recvtty.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIB_LIBS)
PROGS += $(RECVTTY)

BUSYBOX_IMAGE := $(O)/images/busybox/index.json
INSTALL_TARGETS += install-runtime
.PHONY: install-runtime
install-runtime: $(SUBLET) $(BUSYBOX_IMAGE)
	install -D -m 0755 $(SUBLET) $(DESTDIR)$(BINDIR)/sublet
	install -D -m 0644 docs/sublet.1 $(DESTDIR)$(MANDIR)/man1/sublet.1
	rm -rf $(DESTDIR)$(DATADIR)/sublet/images/busybox
	install -d $(DESTDIR)$(DATADIR)/sublet/images
	cp -r $(dir $(BUSYBOX_IMAGE)) $(DESTDIR)$(DATADIR)/sublet/images/busybox
	chmod -R a+rX,go-w $(DESTDIR)$(DATADIR)/sublet/images/busybox

# Fuzz target (libFuzzer, clang): `make fuzz-runtime` builds it into
# $(O)/build-fuzz and runs it for $(FUZZ_TIME) seconds from the seeds in
# tests/fuzz/corpus/fuzz-runtime-config/.
FUZZ_CC ?= clang
FUZZ_TIME ?= 30
SUBLET_FUZZ_DIR := $(O)/build-fuzz
$(SUBLET_FUZZ_DIR)/fuzz-runtime-config: tests/fuzz/fuzz-runtime-config.c \
		runtime/oci/config.c runtime/oci/config-linux.c \
		runtime/oci/config-mounts.c runtime/oci/config-process.c \
		runtime/oci/error.c runtime/oci/json.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 -D_GNU_SOURCE -I. -g -O1 \
		-fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined \
		$(shell $(PKG_CONFIG) --cflags json-c) -o $@ $^ \
		$(shell $(PKG_CONFIG) --libs json-c libcap)
.PHONY: fuzz-runtime
fuzz-runtime: $(SUBLET_FUZZ_DIR)/fuzz-runtime-config
	@mkdir -p $(SUBLET_FUZZ_DIR)/corpus-fuzz-runtime-config
	$(SUBLET_FUZZ_DIR)/fuzz-runtime-config -max_total_time=$(FUZZ_TIME) \
		-print_final_stats=1 $(SUBLET_FUZZ_DIR)/corpus-fuzz-runtime-config \
		tests/fuzz/corpus/fuzz-runtime-config
FUZZ_TARGETS += fuzz-runtime

# the default image: busybox as an OCI image layout (scripts/make-image),
# installed with the programs (DATADIR/sublet/images/busybox)
$(BUSYBOX_IMAGE): scripts/make-image
	rm -rf $(dir $@)
	scripts/make-image oci $(dir $@)
PROGS += $(BUSYBOX_IMAGE)
.PHONY: image
image: $(BUSYBOX_IMAGE)

# `make conformance-oci` (as root): the OCI runtime-tools validation suite
# (../shared/peers/runtime-tools, built offline with Debian's golang-go),
# every file with this build's sublet and with runc beside it; fails when
# sublet fails a file that runc passes (scripts/conformance-oci).
.PHONY: conformance-oci
conformance-oci: $(SUBLET)
	scripts/conformance-oci $(O)
