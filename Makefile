# SPDX-License-Identifier: MIT
# streamutils: one non-recursive GNU Makefile.
#
#   make            build libcore and every tool into build/
#   make test       unit tests (Criterion) and end-to-end tests
#   make demo       a real pipeline on the bundled access log
#   make bench      benchmarks against the tools a user would pick instead
#   make fuzz       libFuzzer targets (clang), each run for FUZZ_SECONDS
#   make install    PREFIX=/usr/local DESTDIR=
#   make SANITIZE=address,undefined test

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions

CC ?= cc
OPT ?= -O2
CFLAGS ?= $(OPT) -g
WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wformat=2 -Wvla \
	-Wno-format-nonliteral
comma := ,

BUILD ?= build
ifneq ($(SANITIZE),)
BUILD := build/san-$(subst $(comma),-,$(SANITIZE))
SANFLAGS = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
endif

# libmicrohttpd serves stream-sink --metrics (libcore/promhttp.c).
PKG_CONFIG ?= pkg-config
MHD_CFLAGS := $(shell $(PKG_CONFIG) --cflags libmicrohttpd 2>/dev/null)
MHD_LIBS := $(shell $(PKG_CONFIG) --libs libmicrohttpd 2>/dev/null || \
	echo -lmicrohttpd)

ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -I. $(WARN) $(CFLAGS) $(SANFLAGS) \
	$(MHD_CFLAGS) -pthread -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS) -pthread
LIBS = -lcsv -ljansson -lpcre2-8 $(MHD_LIBS) -lm

TOOLS = stream-source stream-sink stream-filter stream-window stream-agg stream-top stream-dedup stream-join
LIB_SRC = $(sort $(wildcard libcore/*.c))
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB = $(BUILD)/libcore.a
BINS = $(TOOLS:%=$(BUILD)/bin/%)
TEST_SRC = $(sort $(wildcard tests/test_*.c))
TEST_OBJ = $(TEST_SRC:%.c=$(BUILD)/%.o)
UNIT = $(BUILD)/tests/unit
MANS = $(wildcard man/*.1 man/*.5 man/*.7)

# Debian packages: to build, to test, and what the benchmarks compare with.
DEB_BUILD = make gcc libc6-dev pkg-config libcsv-dev libjansson-dev \
	libcriterion-dev libpcre2-dev libmicrohttpd-dev
DEB_TEST = mandoc bash procps zsh sqlite3 netcat-openbsd socat python3 bsdextrautils \
	bsdutils nginx wrk curl python3-prometheus-client
DEB_BENCH = jq miller mawk gawk datamash hyperfine sqlite3 netcat-openbsd valgrind
DEB_FUZZ = clang libclang-rt-dev

.PHONY: all deps deps-bench test unit cli check-man check-examples demo \
	bench fuzz install uninstall clean print-libs

all: $(LIB) $(BINS)

# Installs missing Debian packages as root; otherwise prints the command.
deps:
	@sh tests/deps.sh $(DEB_BUILD) $(DEB_TEST)

deps-bench:
	@sh tests/deps.sh $(DEB_BUILD) $(DEB_BENCH)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(BUILD)/bin/%: $(BUILD)/cmd/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

$(UNIT): $(TEST_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $(TEST_OBJ) $(LIB) $(LIBS) -lcriterion

test: deps
	@$(MAKE) --no-print-directory all $(UNIT)
	@$(MAKE) --no-print-directory unit cli check-man check-examples

unit: $(UNIT)
	$(UNIT) --jobs 2 --short-filename

cli: all
	@BIN=$(CURDIR)/$(BUILD)/bin sh tests/cli/run.sh

check-man: all
	@BIN=$(CURDIR)/$(BUILD)/bin sh tests/check-man.sh $(MANS)

check-examples: all
	@BIN=$(CURDIR)/$(BUILD)/bin sh tests/check-examples.sh $(MANS)

demo: deps
	@$(MAKE) --no-print-directory all
	@BIN=$(CURDIR)/$(BUILD)/bin sh examples/demo.sh

bench: deps-bench
	@$(MAKE) --no-print-directory all
	@BIN=$(CURDIR)/$(BUILD)/bin sh bench/run.sh

# The libraries a program linked with libcore needs (tests/fuzz/run.sh).
print-libs:
	@echo $(LIBS)

fuzz:
	@sh tests/deps.sh $(DEB_BUILD) $(DEB_FUZZ)
	@sh tests/fuzz/run.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	for m in $(MANS); do \
		s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s; \
	done
	install -m 644 completions/streamutils.bash \
		$(DESTDIR)$(BASHCOMPDIR)/streamutils
	for t in $(TOOLS); do \
		ln -sf streamutils $(DESTDIR)$(BASHCOMPDIR)/$$t; \
	done
	install -m 644 completions/_streamutils $(DESTDIR)$(ZSHCOMPDIR)

uninstall:
	for t in $(TOOLS); do rm -f $(DESTDIR)$(BINDIR)/$$t \
		$(DESTDIR)$(BASHCOMPDIR)/$$t; done
	for m in $(MANS); do s=$${m##*.}; \
		rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done
	rm -f $(DESTDIR)$(BASHCOMPDIR)/streamutils \
		$(DESTDIR)$(ZSHCOMPDIR)/_streamutils

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(TOOLS:%=$(BUILD)/cmd/%.d)
