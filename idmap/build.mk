# idmap/build.mk - sublet-idmap, the subuid/subgid mapper, with its
# newuidmap/newgidmap links, unit tests and fuzz targets.

IDMAP := $(O)/idmap/sublet-idmap
IDMAP_SRCS := $(wildcard idmap/*.c)
IDMAP_OBJS := $(patsubst %.c,$(O)/%.o,$(IDMAP_SRCS))
IDMAP_PKGS := libcap json-c
$(IDMAP_OBJS): PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(IDMAP_PKGS))
$(IDMAP): $(IDMAP_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_LIBS) \
		$(shell $(PKG_CONFIG) --libs $(IDMAP_PKGS))
PROGS += $(IDMAP)

# Unit tests link the program's objects except main.o.
IDMAP_UNIT := $(patsubst %.c,$(O)/%.t,$(wildcard tests/unit/idmap-*.c))
$(IDMAP_UNIT): $(O)/%.t: %.c $(filter-out %/main.o,$(IDMAP_OBJS)) $(LIB) \
		tests/unit/tap.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(filter %.c %.o %.a,$^) \
		$(LIB_LIBS) $(shell $(PKG_CONFIG) --libs $(IDMAP_PKGS))
UNIT_TESTS += $(IDMAP_UNIT)

# make install: the binary, the shadow-compatible links, the man page, and
# the privilege it needs: file capabilities when installing as root with
# setcap available, or setuid root with IDMAP_SETUID=1.
INSTALL_TARGETS += install-idmap
.PHONY: install-idmap
install-idmap: $(IDMAP)
	install -D -m 0755 $(IDMAP) $(DESTDIR)$(BINDIR)/sublet-idmap
	install -d $(DESTDIR)$(LIBEXECDIR)
	ln -sfr $(DESTDIR)$(BINDIR)/sublet-idmap $(DESTDIR)$(LIBEXECDIR)/newuidmap
	ln -sfr $(DESTDIR)$(BINDIR)/sublet-idmap $(DESTDIR)$(LIBEXECDIR)/newgidmap
	install -D -m 0644 docs/sublet-idmap.1 \
		$(DESTDIR)$(MANDIR)/man1/sublet-idmap.1
ifeq ($(IDMAP_SETUID),1)
	if [ "$$(id -u)" -eq 0 ]; then \
		chown root:root $(DESTDIR)$(BINDIR)/sublet-idmap && \
		chmod 4755 $(DESTDIR)$(BINDIR)/sublet-idmap; \
	else echo "install-idmap: not root, sublet-idmap left unprivileged" >&2; fi
else
	if [ "$$(id -u)" -eq 0 ] && [ -x $(SETCAP) ]; then \
		$(SETCAP) cap_setuid,cap_setgid+ep $(DESTDIR)$(BINDIR)/sublet-idmap; \
	else echo "install-idmap: not root or no $(SETCAP), sublet-idmap left unprivileged" >&2; fi
endif

# Fuzz targets (libFuzzer, clang): `make fuzz-idmap` builds both into
# $(O)/build-fuzz and runs each for $(FUZZ_TIME) seconds, starting from
# the seeds in tests/fuzz/corpus/<target>/ (new inputs go to the build
# dir).  A crash leaves crash-* in the working directory; add it to the
# seeds and a unit test once fixed.
FUZZ_CC ?= clang
FUZZ_TIME ?= 30
IDMAP_FUZZ_DIR := $(O)/build-fuzz
IDMAP_FUZZ_CFLAGS = -std=gnu11 -D_GNU_SOURCE -I. -g -O1 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	$(shell $(PKG_CONFIG) --cflags json-c libcap)
$(IDMAP_FUZZ_DIR)/fuzz-subid: tests/fuzz/fuzz-subid.c lib/subid.c lib/parse.c \
		lib/subid.h lib/parse.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(IDMAP_FUZZ_CFLAGS) -o $@ $(filter %.c,$^)
$(IDMAP_FUZZ_DIR)/fuzz-idmap-args: tests/fuzz/fuzz-idmap-args.c idmap/args.c \
		idmap/validate.c lib/log.c lib/parse.c lib/subid.c idmap/idmap.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(IDMAP_FUZZ_CFLAGS) -o $@ $(filter %.c,$^) \
		$(shell $(PKG_CONFIG) --libs json-c)
.PHONY: fuzz-idmap fuzz-subid fuzz-idmap-args
fuzz-subid fuzz-idmap-args: %: $(IDMAP_FUZZ_DIR)/%
	@mkdir -p $(IDMAP_FUZZ_DIR)/corpus-$@
	$(IDMAP_FUZZ_DIR)/$@ -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
		$(IDMAP_FUZZ_DIR)/corpus-$@ tests/fuzz/corpus/$@
fuzz-idmap: fuzz-subid fuzz-idmap-args
FUZZ_TARGETS += fuzz-idmap
