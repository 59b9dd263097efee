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
