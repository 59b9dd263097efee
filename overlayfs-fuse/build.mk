# sublet-overlayfs: FUSE overlay filesystem (drop-in for fuse-overlayfs).
OVERLAYFS := $(O)/overlayfs-fuse/sublet-overlayfs
OVERLAYFS_SRCS := $(wildcard overlayfs-fuse/*.c)
OVERLAYFS_OBJS := $(patsubst %.c,$(O)/%.o,$(OVERLAYFS_SRCS))
OVERLAYFS_PKGS := fuse3
$(OVERLAYFS_OBJS): PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(OVERLAYFS_PKGS))
$(OVERLAYFS): $(OVERLAYFS_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_LIBS) \
		$(shell $(PKG_CONFIG) --libs $(OVERLAYFS_PKGS)) -lpthread
PROGS += $(OVERLAYFS)

# unit tests link the program's objects except main.o
OVERLAYFS_UNIT := $(patsubst %.c,$(O)/%.t,$(wildcard tests/unit/overlayfs-*.c))
$(OVERLAYFS_UNIT): PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(OVERLAYFS_PKGS))
$(OVERLAYFS_UNIT): $(O)/%.t: %.c $(filter-out %/main.o,$(OVERLAYFS_OBJS)) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LIB_LIBS) \
		$(shell $(PKG_CONFIG) --libs $(OVERLAYFS_PKGS)) -lpthread
UNIT_TESTS += $(OVERLAYFS_UNIT)

INSTALL_TARGETS += install-overlayfs
.PHONY: install-overlayfs
install-overlayfs: $(OVERLAYFS)
	install -D -m 0755 $(OVERLAYFS) $(DESTDIR)$(BINDIR)/sublet-overlayfs
	install -D -m 0644 docs/sublet-overlayfs.1 \
		$(DESTDIR)$(MANDIR)/man1/sublet-overlayfs.1
	install -d $(DESTDIR)$(LIBEXECDIR)
	ln -sfr $(DESTDIR)$(BINDIR)/sublet-overlayfs \
		$(DESTDIR)$(LIBEXECDIR)/fuse-overlayfs

# unionmount-testsuite, every case without --xdev, as root (REF=1 runs the
# kernel's overlay beside it); see docs/overlayfs.md "Conformance".
.PHONY: conformance-overlay
conformance-overlay: $(OVERLAYFS)
	scripts/conformance-overlay $(if $(filter 1,$(REF)),--ref) $(O)
