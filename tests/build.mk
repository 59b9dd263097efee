# tests/build.mk: the reliability targets around the programs.
#
#   make fuzz-ovl-opts fuzz-netd-api fuzz-netd-opts fuzz-oci-config
#	fuzz-layer-tar fuzz-image-archive
#	libFuzzer targets (clang), built into $(O)/build-fuzz like idmap's
#	(see idmap/build.mk), each run for $(FUZZ_TIME) seconds from the
#	seeds in tests/fuzz/corpus/<target>/ (and tests/fuzz/<target>.dict
#	when there is one); `make fuzz` runs them all.
#   make valgrind-netd
#	the netd bats suite with sublet-netd under valgrind (memcheck,
#	leak check, error exit 99): tests/netd.bash honours
#	SUBLET_NETD_WRAPPER.

REL_FUZZ_DIR := $(O)/build-fuzz
REL_FUZZ_CFLAGS = -std=gnu11 -D_GNU_SOURCE -I. -g -O1 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

$(REL_FUZZ_DIR)/fuzz-ovl-opts: tests/fuzz/fuzz-ovl-opts.c \
		overlayfs-fuse/options.c overlayfs-fuse/ovl.h $(LIB_SRCS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(REL_FUZZ_CFLAGS) \
		$(shell $(PKG_CONFIG) --cflags $(OVERLAYFS_PKGS) $(LIB_PKGS)) \
		-o $@ $(filter %.c,$^) \
		$(shell $(PKG_CONFIG) --libs $(OVERLAYFS_PKGS) $(LIB_PKGS)) -lpthread

$(REL_FUZZ_DIR)/fuzz-netd-api $(REL_FUZZ_DIR)/fuzz-netd-opts: \
		$(REL_FUZZ_DIR)/%: tests/fuzz/%.c \
		$(filter-out %/main.c,$(NETD_SRCS)) $(LIB_SRCS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(REL_FUZZ_CFLAGS) \
		$(shell $(PKG_CONFIG) --cflags $(NETD_PKGS) $(LIB_PKGS)) \
		-o $@ $(filter %.c,$^) \
		$(shell $(PKG_CONFIG) --libs $(NETD_PKGS) $(LIB_PKGS))

$(REL_FUZZ_DIR)/fuzz-oci-config: tests/fuzz/fuzz-oci-config.c \
		$(filter-out runtime/cli/%.c,$(SUBLET_SRCS)) $(LIB_SRCS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(REL_FUZZ_CFLAGS) \
		$(shell $(PKG_CONFIG) --cflags $(SUBLET_PKGS) $(LIB_PKGS)) \
		-o $@ $(filter %.c,$^) \
		$(shell $(PKG_CONFIG) --libs $(SUBLET_PKGS) $(LIB_PKGS))

# fuzz-layer-tar includes runtime/image/layer.c (to reach its static
# unpack_fn)
REL_LAYER_SRCS = $(filter-out runtime/cli/%.c runtime/image/layer.c, \
	$(SUBLET_SRCS))
$(REL_FUZZ_DIR)/fuzz-layer-tar: tests/fuzz/fuzz-layer-tar.c \
		runtime/image/layer.c \
		$(REL_LAYER_SRCS) $(LIB_SRCS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(REL_FUZZ_CFLAGS) \
		$(shell $(PKG_CONFIG) --cflags $(SUBLET_PKGS) $(LIB_PKGS)) \
		-o $@ $< $(REL_LAYER_SRCS) $(LIB_SRCS) \
		$(shell $(PKG_CONFIG) --libs $(SUBLET_PKGS) $(LIB_PKGS))

# fuzz-image-archive includes runtime/image/image.c (its readers are
# static) and stands in for the store and the layer reader itself
REL_IMAGE_SRCS = runtime/image/digest.c runtime/oci/json.c runtime/oci/self.c \
	runtime/oci/resolve.c runtime/oci/error.c
$(REL_FUZZ_DIR)/fuzz-image-archive: tests/fuzz/fuzz-image-archive.c \
		runtime/image/image.c $(REL_IMAGE_SRCS) $(LIB_SRCS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(REL_FUZZ_CFLAGS) \
		$(shell $(PKG_CONFIG) --cflags $(SUBLET_PKGS) $(LIB_PKGS)) \
		-o $@ $< $(REL_IMAGE_SRCS) $(LIB_SRCS) \
		$(shell $(PKG_CONFIG) --libs $(SUBLET_PKGS) $(LIB_PKGS))

REL_FUZZ := fuzz-ovl-opts fuzz-netd-api fuzz-netd-opts fuzz-oci-config \
	fuzz-layer-tar fuzz-image-archive
.PHONY: $(REL_FUZZ) fuzz-build
$(REL_FUZZ): %: $(REL_FUZZ_DIR)/%
	@mkdir -p $(REL_FUZZ_DIR)/corpus-$@
	$(REL_FUZZ_DIR)/$@ -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
		$(addprefix -dict=,$(wildcard tests/fuzz/$@.dict)) \
		$(REL_FUZZ_DIR)/corpus-$@ tests/fuzz/corpus/$@
fuzz-build: $(addprefix $(REL_FUZZ_DIR)/,$(REL_FUZZ))
FUZZ_TARGETS += $(REL_FUZZ)

.PHONY: valgrind-netd
valgrind-netd: build-all
	tests/valgrind-netd $(O)

# Every fuzz target also runs over its kept corpus (seeds and regression
# inputs) as a unit test, in `make check` and under ASan in `make asan`:
# $(O)/tests/unit/fuzz-NAME.t, tests/fuzz/NAME.c linked with replay.c.
REL_REPLAY = $(O)/tests/unit/fuzz-replay-$(1).t
REL_REPLAY_CC = @mkdir -p $(dir $@) && $(CC) $(ALL_CFLAGS) \
	-DFUZZ_NAME='"$*"' $(ALL_LDFLAGS) -o $@ \
	tests/fuzz/replay.c tests/fuzz/$*.c $(filter %.o %.a,$^)
$(O)/tests/unit/fuzz-replay-fuzz-subid.t: $(O)/tests/unit/fuzz-replay-%.t: \
		tests/fuzz/%.c tests/fuzz/replay.c $(LIB)
	$(REL_REPLAY_CC) $(LIB_LIBS)
$(O)/tests/unit/fuzz-replay-fuzz-idmap-args.t: $(O)/tests/unit/fuzz-replay-%.t: \
		tests/fuzz/%.c tests/fuzz/replay.c \
		$(filter-out %/main.o,$(IDMAP_OBJS)) $(LIB)
	$(REL_REPLAY_CC) $(LIB_LIBS) $(shell $(PKG_CONFIG) --libs $(IDMAP_PKGS))
$(O)/tests/unit/fuzz-replay-fuzz-ovl-opts.t: $(O)/tests/unit/fuzz-replay-%.t: \
		tests/fuzz/%.c tests/fuzz/replay.c $(O)/overlayfs-fuse/options.o $(LIB)
	$(REL_REPLAY_CC) $(shell $(PKG_CONFIG) --cflags $(OVERLAYFS_PKGS)) $(LIB_LIBS)
$(O)/tests/unit/fuzz-replay-fuzz-netd-api.t \
$(O)/tests/unit/fuzz-replay-fuzz-netd-opts.t: $(O)/tests/unit/fuzz-replay-%.t: \
		tests/fuzz/%.c tests/fuzz/replay.c \
		$(filter-out %/main.o,$(NETD_OBJS)) $(LIB)
	$(REL_REPLAY_CC) $(shell $(PKG_CONFIG) --cflags $(NETD_PKGS)) \
		$(LIB_LIBS) $(shell $(PKG_CONFIG) --libs $(NETD_PKGS))
$(O)/tests/unit/fuzz-replay-fuzz-oci-config.t: $(O)/tests/unit/fuzz-replay-%.t: \
		tests/fuzz/%.c tests/fuzz/replay.c $(SUBLET_LIB_OBJS) $(LIB)
	$(REL_REPLAY_CC) $(shell $(PKG_CONFIG) --cflags $(SUBLET_PKGS)) \
		$(LIB_LIBS) $(shell $(PKG_CONFIG) --libs $(SUBLET_PKGS))
$(call REL_REPLAY,fuzz-layer-tar): private PKG_CFLAGS = \
	$(shell $(PKG_CONFIG) --cflags $(SUBLET_PKGS)) -Wno-format-truncation
$(O)/tests/unit/fuzz-replay-fuzz-layer-tar.t: $(O)/tests/unit/fuzz-replay-%.t: \
		tests/fuzz/%.c runtime/image/layer.c tests/fuzz/replay.c \
		$(filter-out %/layer.o,$(SUBLET_LIB_OBJS)) $(LIB)
	$(REL_REPLAY_CC) $(LIB_LIBS) $(shell $(PKG_CONFIG) --libs $(SUBLET_PKGS))
$(call REL_REPLAY,fuzz-image-archive): private PKG_CFLAGS = \
	$(shell $(PKG_CONFIG) --cflags $(SUBLET_PKGS)) -Wno-format-truncation
$(O)/tests/unit/fuzz-replay-fuzz-image-archive.t: $(O)/tests/unit/fuzz-replay-%.t: \
		tests/fuzz/%.c runtime/image/image.c tests/fuzz/replay.c \
		$(patsubst %.c,$(O)/%.o,$(REL_IMAGE_SRCS)) $(LIB)
	$(REL_REPLAY_CC) $(LIB_LIBS) $(shell $(PKG_CONFIG) --libs $(SUBLET_PKGS))
UNIT_TESTS += $(foreach t,fuzz-subid fuzz-idmap-args $(REL_FUZZ),$(call REL_REPLAY,$(t)))

# make reliability: the figures of docs/reliability.md (fault and load
# tests, then each fuzz target for FUZZ_TIME seconds; FUZZ_TIME=0 skips).
.PHONY: reliability
reliability: build-all
	tests/reliability $(O)

# test helper: prints its real and effective uid (tests/helpers/ids.c).
# Static, to run inside the busybox image, so never built with the
# sanitizers (they cannot link statically).
IDS_HELPER := $(O)/tests/helpers/ids
$(IDS_HELPER): tests/helpers/ids.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 $(WARNFLAGS) -static -o $@ $<
PROGS += $(IDS_HELPER)
