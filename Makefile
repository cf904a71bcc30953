# SPDX-License-Identifier: GPL-2.0-or-later
# Makefile: build, test, install, sanitizer build, formatting and dependencies of isoscope.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
DESTDIR ?=

CC ?= cc
# The sanitizer build prefers clang: its one runtime for ASan, LSan and UBSan writes every report
# to log_path (GCC's separate libubsan writes UBSan's to stderr, whatever UBSAN_OPTIONS says).
ifeq ($(SANITIZE)$(origin CC),1default)
CC := $(or $(shell command -v clang || command -v clang-14),cc)
endif
PKG_CONFIG ?= pkg-config
PKGS := smartcols mount libcap libcjson ncursesw libseccomp libmicrohttpd

WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes -Wundef \
        -Wpointer-arith -Wcast-align -Wwrite-strings -Wno-missing-field-initializers
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=gnu11 $(WARN) -Iinclude $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) $(CFLAGS)
# libcap, ncurses and libseccomp are linked statically where Debian ships their archives: each
# start of isoscope then loads three shared libraries fewer (about 0.3 ms, measured
# by bench/run-launch.sh, where isoscope run is timed against bwrap).
STATIC_LIBS := $(foreach l,cap ncursesw tinfo seccomp,$(if $(wildcard $(shell $(CC) -print-file-name=lib$(l).a)),$(l)))
DYNAMIC_LIBS := $(filter-out $(STATIC_LIBS:%=-l%),$(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null))
comma := ,
LDLIBS := $(DYNAMIC_LIBS) $(if $(STATIC_LIBS),-Wl$(comma)-Bstatic $(STATIC_LIBS:%=-l%) -Wl$(comma)-Bdynamic) -lm

ifeq ($(SANITIZE),1)
ALL_CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
BUILDDIR := build-san
else
BUILDDIR := build
endif

CORE_SRCS := $(wildcard src/core/*.c)
CMD_SRCS := $(wildcard src/cmd/*.c) $(wildcard src/out/*.c) $(wildcard src/exec/*.c) $(wildcard src/tui/*.c)
SRCS := src/main.c src/cli.c $(CORE_SRCS) $(CMD_SRCS)
OBJS := $(SRCS:%.c=$(BUILDDIR)/%.o)
CORE_OBJS := $(CORE_SRCS:%.c=$(BUILDDIR)/%.o)
UNIT_SRCS := $(wildcard tests/unit/test-*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILDDIR)/tests/%)

ifeq ($(SANITIZE),1)
PROG := $(BUILDDIR)/isoscope
# Sanitizer reports go to files in SAN_REPORTS, not to a stderr that a test may discard;
# tests/sanitizer-reports.t, the last test of the run, fails when any is there.  The options
# are inherited by the programs that run and enter execute: those not built with a sanitizer
# ignore them.  exitcode: a process that reported exits 86, an exit code isoscope never uses.
SAN_REPORTS := $(abspath $(BUILDDIR)/sanitizer-reports)
SAN_COMMON := log_path=$(SAN_REPORTS)/report:log_exe_name=1:exitcode=86
CHECK_ENV := SAN_REPORTS=$(SAN_REPORTS) SAN_CC=$(CC) \
  ASAN_OPTIONS=$(SAN_COMMON):detect_leaks=1:halt_on_error=1 \
  LSAN_OPTIONS=$(SAN_COMMON) \
  UBSAN_OPTIONS=$(SAN_COMMON):halt_on_error=1:print_stacktrace=1
CHECK_LAST := tests/sanitizer-reports.t
else
PROG := isoscope
endif

.PHONY: all check unit deps install uninstall clean format format-check analyze analyze-clang analyze-cppcheck lint
all: $(PROG)

$(PROG): $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILDDIR)/%.o: %.c $(wildcard include/isoscope/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The exec modules that stand alone (no phases, no main) are unit-tested too.
UNIT_EXEC_OBJS := $(addprefix $(BUILDDIR)/src/exec/,caps.o seccomp.o seccomp_file.o profile.o)
$(BUILDDIR)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(CORE_OBJS) $(UNIT_EXEC_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(CORE_OBJS) $(filter-out $(UNIT_EXEC_OBJS),$(filter $(BUILDDIR)/src/exec/%.o,$^)) $(UNIT_EXEC_OBJS) $(LDLIBS)
# Unit tests of run's argument parsers link those objects too.
$(BUILDDIR)/tests/test-limits: $(BUILDDIR)/src/exec/limits.o $(BUILDDIR)/src/exec/idmap.o

unit: $(UNIT_BINS)

# isoscope with the self-check's test hook (ISOSCOPE_TEST_DRIFT, src/exec/harden.c): only
# tests/system/run-harden.t runs it; the installed binary never has the hook.
HOOKS_PROG := $(BUILDDIR)/isoscope-hooks
$(BUILDDIR)/hooks/harden.o: src/exec/harden.c $(wildcard include/isoscope/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DISOSCOPE_TEST_HOOKS -c -o $@ $<
$(HOOKS_PROG): $(filter-out $(BUILDDIR)/src/exec/harden.o,$(OBJS)) $(BUILDDIR)/hooks/harden.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The whole test suite through prove (TAP).  Root-only tests skip with a reason when not root.
# TESTS picks a part of it (make check TESTS=tests/system/run-init.t).  With SANITIZE=1 the
# report directory is made writable for all (tests run isoscope as other users).
TESTS = tests/run-unit.sh tests/cli/*.t tests/system/*.t tests/tui/*.t tests/vm/*.t
check: $(PROG) $(UNIT_BINS) $(HOOKS_PROG)
	$(if $(SAN_REPORTS),rm -rf $(SAN_REPORTS) && mkdir -p -m 1777 $(SAN_REPORTS))
	$(CHECK_ENV) ISOSCOPE=$(abspath $(PROG)) UNIT_DIR=$(abspath $(BUILDDIR)/tests) \
	  prove -v --timer $(TESTS) $(CHECK_LAST)

deps:
	@sh tools/install-deps.sh

# Static analysis; each part fails on any finding.  analyze-clang: clang's analyzer over a clean
# build of isoscope and the unit tests in build-analyze/ (HTML reports in build-analyze/scan).
# analyze-cppcheck: src/ and include/, less the reviewed false positives in
# tools/cppcheck-suppressions.xml ("information" also reports a suppression that no longer matches;
# the system headers are left to cppcheck's posix library, hence no missingIncludeSystem).
# lint: shellcheck over every shell script (tools/lint-shell.sh finds them by pattern).
SCAN_BUILD ?= $(or $(shell command -v scan-build || command -v scan-build-14),scan-build)
CPPCHECK ?= cppcheck
analyze: analyze-clang analyze-cppcheck lint
analyze-clang:
	rm -rf build-analyze
	$(SCAN_BUILD) --status-bugs -o build-analyze/scan \
	  $(MAKE) --no-print-directory SANITIZE= BUILDDIR=build-analyze PROG=build-analyze/isoscope build-analyze/isoscope unit
analyze-cppcheck:
	@echo "cppcheck src include"; out=$$($(CPPCHECK) -q --error-exitcode=1 --std=c11 --library=posix \
	  -D__linux__ -Iinclude --enable=warning,style,performance,portability,information \
	  --suppress=missingIncludeSystem --suppress-xml=tools/cppcheck-suppressions.xml src include 2>&1); \
	  st=$$?; [ -z "$$out" ] || printf '%s\n' "$$out"; [ $$st -eq 0 ] && [ -z "$$out" ]
lint:
	tools/lint-shell.sh

install: $(PROG)
	install -D -m 0755 $(PROG) $(DESTDIR)$(BINDIR)/isoscope
	for m in man/*.1; do install -D -m 0644 $$m $(DESTDIR)$(MANDIR)/man1/$$(basename $$m); done
	install -D -m 0644 completions/bash/isoscope $(DESTDIR)$(BASHCOMPDIR)/isoscope
	install -D -m 0644 completions/zsh/_isoscope $(DESTDIR)$(ZSHCOMPDIR)/_isoscope
	install -D -m 0644 completions/fish/isoscope.fish $(DESTDIR)$(FISHCOMPDIR)/isoscope.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/isoscope $(DESTDIR)$(BASHCOMPDIR)/isoscope $(DESTDIR)$(ZSHCOMPDIR)/_isoscope \
	  $(DESTDIR)$(FISHCOMPDIR)/isoscope.fish
	for m in man/*.1; do rm -f $(DESTDIR)$(MANDIR)/man1/$$(basename $$m); done

# The unit test of the Prometheus writer links the renderer's objects too.
PROM_OBJS := $(BUILDDIR)/src/out/prom.o $(BUILDDIR)/src/out/prom_http.o
$(BUILDDIR)/tests/test-prom: tests/unit/test-prom.c $(wildcard tests/unit/*.h) $(CORE_OBJS) $(PROM_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(CORE_OBJS) $(PROM_OBJS) $(LDLIBS)


# Fuzzing (tests/fuzz/README-style notes are in README.md).  One libFuzzer target per parser of
# outside input: tests/fuzz/fuzz-NAME.c, listed here (one line each), seeds in tests/fuzz/corpus/NAME
# and build-fuzz/seeds/NAME (from the fixture generators), an optional tests/fuzz/NAME.dict.
FUZZ_TARGETS := \
  proc-stat \
  proc-status \
  cmdline \
  nspid \
  proc-cgroup \
  container \
  uid-map \
  mntview \
  ns-mountinfo \
  cgroup-file \
  cgroup-psi \
  cgroup-iodev \
  target \
  limits \
  idmap \
  run-options \
  caps-list \
  seccomp-policy \
  snapshot
FUZZ_CC ?= clang-14
FUZZ_TIME ?= 30
FUZZ_JOBS ?= 2
FUZZ_DIR := build-fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
# clang warns about casts gcc accepts in existing code (alignment of dirent/netlink buffers): not for this build.
FUZZ_CFLAGS := -std=gnu11 $(WARN) -Wno-cast-align -Wno-format-nonliteral -Iinclude $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) -g -O1 $(FUZZ_SAN)
# The parsers' objects: every core file, the option parsers of run (run.c, limits.c, idmap.c,
# caps.c, profile.c, seccomp*.c) and the option tables (cli.c).  The sandbox itself is not
# linked: fuzz-run-options stands in for it.
FUZZ_LIB_SRCS := $(CORE_SRCS) src/cli.c src/cmd/run.c src/exec/limits.c src/exec/idmap.c \
  src/exec/caps.c src/exec/profile.c src/exec/seccomp.c src/exec/seccomp_file.c
FUZZ_LIB_OBJS := $(FUZZ_LIB_SRCS:%.c=$(FUZZ_DIR)/%.o)
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz-%)

$(FUZZ_DIR)/src/%.o: src/%.c $(wildcard include/isoscope/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_DIR)/libparsers.a: $(FUZZ_LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_DIR)/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz.h $(FUZZ_DIR)/libparsers.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Itests/fuzz -o $@ $< $(FUZZ_DIR)/libparsers.a $(LDLIBS)

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)

# Each target for FUZZ_TIME seconds, FUZZ_JOBS at a time; a table of executions, coverage and crashes.
fuzz: fuzz-build $(PROG)
	FUZZ_DIR=$(FUZZ_DIR) FUZZ_TIME=$(FUZZ_TIME) FUZZ_JOBS=$(FUZZ_JOBS) tests/fuzz/run.sh $(FUZZ_TARGETS)

FORMAT_FILES = $(SRCS) $(wildcard include/isoscope/*.h) $(wildcard tests/unit/*.[ch]) $(wildcard tests/fuzz/*.[ch])
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

clean:
	rm -rf build build-san build-analyze build-fuzz isoscope
