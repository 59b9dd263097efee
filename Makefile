# sublet: top-level build.  `make` builds lib/ and every program,
# `make check` checks the layout (scripts/check-layout) and runs every test,
# `make asan` builds and tests with ASan+UBSan.
#
# Each program folder holds a build.mk fragment that appends to PROGS,
# UNIT_TESTS and INSTALL_TARGETS; this file holds the shared rules.
# Out-of-tree builds: `make O=build-dir`.

O ?= .
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec/sublet
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share
PKG_CONFIG ?= pkg-config
CC ?= cc
SETCAP ?= /sbin/setcap

CFLAGS ?= -O2 -g
WARNFLAGS := -Wall -Wextra -Werror -Wformat=2 -Wformat-security -Wshadow \
	-Wmissing-prototypes -Wstrict-prototypes -Wpointer-arith \
	-Wvla -Wimplicit-fallthrough -Wno-unused-parameter
HARDENFLAGS := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE \
	-fno-strict-aliasing
ifeq ($(SANITIZE),1)
CFLAGS := -O1 -g -fno-omit-frame-pointer
HARDENFLAGS := -fPIE -fno-strict-aliasing
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
endif
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE -I. $(WARNFLAGS) $(HARDENFLAGS) \
	$(SANFLAGS) $(CFLAGS) $(PKG_CFLAGS)
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now $(SANFLAGS) $(LDFLAGS)

PROGS :=
UNIT_TESTS :=
INSTALL_TARGETS :=
FUZZ_TARGETS :=

.PHONY: all
all: build-all

# lib/: everything two programs share, linked statically.
LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(patsubst %.c,$(O)/%.o,$(LIB_SRCS))
LIB_PKGS := json-c
LIB := $(O)/lib/libsublet.a
$(LIB_OBJS): PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(LIB_PKGS))
LIB_LIBS = $(shell $(PKG_CONFIG) --libs $(LIB_PKGS))

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# Unit tests: tests/unit/NAME.c -> $(O)/tests/unit/NAME.t, linked to lib/.
# A program's own unit tests may link its objects: see its build.mk.
LIB_UNIT_SRCS := $(wildcard tests/unit/lib-*.c)
UNIT_TESTS += $(patsubst %.c,$(O)/%.t,$(LIB_UNIT_SRCS))
$(patsubst %.c,$(O)/%.t,$(LIB_UNIT_SRCS)): $(O)/%.t: %.c $(LIB) tests/unit/tap.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIB_LIBS)

include $(sort $(wildcard */build.mk))

.PHONY: fuzz
fuzz: $(FUZZ_TARGETS)

.PHONY: build-all
build-all: $(LIB) $(PROGS) $(UNIT_TESTS)

.PHONY: check
check: build-all
	scripts/check-layout $(O)
	tests/run $(O)

# The peers' conformance suites (../shared/peers), as root: CI runs it
# after `make check`.
.PHONY: conformance
conformance: conformance-overlay conformance-oci

.PHONY: check-layout
check-layout: build-all
	scripts/check-layout $(O)

.PHONY: asan
asan:
	$(MAKE) O=build-asan SANITIZE=1 check

.PHONY: install
install: build-all $(INSTALL_TARGETS)

.PHONY: format format-check
FORMAT_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || \
	find lib netd overlayfs-fuse idmap runtime tests -name '*.[ch]')
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

.PHONY: clean
clean:
	rm -rf build-asan build-fuzz
	find . -type f \( -name '*.o' -o -name '*.d' -o -name '*.a' -o -name '*.t' \) \
		| grep -v '^./tests/integration' | xargs rm -f
	rm -f $(PROGS)

-include $(shell find $(O) -name '*.d' -type f -not -path '*/.git/*' 2>/dev/null)
