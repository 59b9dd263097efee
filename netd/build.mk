# sublet-netd: user-mode networking on libslirp (drop-in for slirp4netns)
NETD := $(O)/netd/sublet-netd
NETD_SRCS := $(wildcard netd/*.c)
NETD_OBJS := $(patsubst %.c,$(O)/%.o,$(NETD_SRCS))
NETD_PKGS := slirp libseccomp libcap json-c libmnl
$(NETD_OBJS): PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(NETD_PKGS))
$(NETD): $(NETD_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_LIBS) \
		$(shell $(PKG_CONFIG) --libs $(NETD_PKGS))
PROGS += $(NETD)
# unit tests that link the program's objects except main.o:
NETD_UNIT := $(patsubst %.c,$(O)/%.t,$(wildcard tests/unit/netd-*.c))
$(NETD_UNIT): $(O)/%.t: %.c $(filter-out %/main.o,$(NETD_OBJS)) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(shell $(PKG_CONFIG) --cflags $(NETD_PKGS)) \
		$(ALL_LDFLAGS) -o $@ $^ $(LIB_LIBS) \
		$(shell $(PKG_CONFIG) --libs $(NETD_PKGS))
UNIT_TESTS += $(NETD_UNIT)
INSTALL_TARGETS += install-netd
.PHONY: install-netd
install-netd: $(NETD)
	install -D -m 0755 $(NETD) $(DESTDIR)$(BINDIR)/sublet-netd
	install -D -m 0644 docs/sublet-netd.1 $(DESTDIR)$(MANDIR)/man1/sublet-netd.1
	install -d $(DESTDIR)$(LIBEXECDIR)
	ln -sfr $(DESTDIR)$(BINDIR)/sublet-netd $(DESTDIR)$(LIBEXECDIR)/slirp4netns
