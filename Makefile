# csm-tools: see README.md.  GNU make (Linux, macOS, the BSDs' gmake).
#
#   make              build the library and every program into $(BUILD)/
#   make check        set-up, unit tests, command-line tests, then all again
#                     under AddressSanitizer + UndefinedBehaviorSanitizer
#   make demo         the weekly risk report on the bundled sample data
#   make install      to $(DESTDIR)$(PREFIX)/bin and share/man
#   make valgrind     the command-line tests under valgrind
#   make asan         only the sanitizer run of the tests
#   make bench        scripts/bench (never part of check)
#   make fuzz         libFuzzer on every parser (clang; see tests/fuzz/fuzz.mk);
#                     check runs each seed corpus once (fuzz-regress)

PREFIX   = /usr/local
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man
BUILD    = build
CC       ?= cc
CPPFLAGS = -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -Icommon
OPT      = -O2
CFLAGS   = -std=c11 $(OPT) -g -Wall -Wextra -Wpedantic -Wshadow \
           -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
           -Wwrite-strings -Wvla -Wno-format-nonliteral $(WERROR) $(SANITIZE)
LDFLAGS  =
LDLIBS   = -lcsv -lyaml -lm
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

PROGS    = $(patsubst cmd/%.c,%,$(wildcard cmd/csm-*.c))
LIBOBJS  = err xalloc buf map val money tbl out cols expr yaml cfg defcfg cli text
UNITS    = t-err t-val t-money t-tbl t-out t-cols t-map t-text t-expr t-yaml t-cfg

LIB      = $(BUILD)/libcsm.a
BINS     = $(PROGS:%=$(BUILD)/%)
TESTBINS = $(UNITS:%=$(BUILD)/tests/%) $(BUILD)/tests/csvconform
HDRS     = common/csm.h

all: $(BUILD)/.deps $(BINS)

$(BUILD)/.deps: scripts/install-deps
	@mkdir -p $(BUILD)
	@sh scripts/install-deps --if-missing
	@touch $@

$(BUILD)/%.o: common/%.c $(HDRS) | $(BUILD)/.deps
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/defcfg.o: $(BUILD)/defcfg.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $(BUILD)/defcfg.c

# The built-in default config is common/default.yaml, compiled in as a string.
$(BUILD)/defcfg.c: common/default.yaml scripts/embed
	sh scripts/embed csm_default_config < common/default.yaml > $@.tmp && mv $@.tmp $@

$(LIB): $(LIBOBJS:%=$(BUILD)/%.o)
	rm -f $@
	ar rcs $@ $(LIBOBJS:%=$(BUILD)/%.o)

$(BUILD)/csm-%: cmd/csm-%.c $(LIB) $(HDRS)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/t.h $(LIB) $(HDRS)
	@mkdir -p $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

check: all $(TESTBINS)
	@if command -v mandoc >/dev/null 2>&1; then \
		mandoc -Tlint -Wwarning man/*.[15] && echo "man pages: mandoc -Tlint clean"; \
	else echo "man pages: mandoc not installed, lint skipped"; fi
	sh tests/run-unit.sh $(BUILD) $(UNITS)
	@if [ -z "$(SANITIZE)" ]; then \
		$(MAKE) --no-print-directory fuzz-regress; fi
	sh tests/run-cli.sh $(BUILD)
	@if [ -z "$(SANITIZE)" ] && [ -z "$(NOASAN)" ]; then \
		$(MAKE) --no-print-directory asan; fi

asan:
	$(MAKE) --no-print-directory BUILD=build-asan OPT=-O1 SANITIZE="$(SANFLAGS)" \
	    NOASAN=1 WERROR="$(WERROR)" check

valgrind: all $(TESTBINS)
	CSM_VALGRIND=1 sh tests/run-cli.sh $(BUILD)

# The sample data is as of 2026-11-23, so the demo reasons from that date.
DEMO_ASOF = --as-of 2026-11-23

demo: all
	@$(BUILD)/csm-score < tests/data/accounts.csv | \
	    $(BUILD)/csm-risk $(DEMO_ASOF) --format md
	@if [ -x $(BUILD)/csm-nrr ] && [ -f tests/data/arr_monthly.csv ]; then \
	    echo; $(BUILD)/csm-nrr -g segment --format md < tests/data/arr_monthly.csv; fi
	@mkdir -p $(BUILD)/qbr-demo
	@for a in A00003 A00019; do \
	    $(BUILD)/csm-score < tests/data/quarterly.csv | \
	    $(BUILD)/csm-qbr $(DEMO_ASOF) --account $$a --format html \
	    --out-dir $(BUILD)/qbr-demo > /dev/null || exit 1; done
	@echo; echo "QBR pages for two accounts:"; ls $(BUILD)/qbr-demo/*.html | sed 's/^/  /'

bench: all
	sh scripts/bench

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	cp $(BINS) $(DESTDIR)$(BINDIR)/
	cp man/*.1 $(DESTDIR)$(MANDIR)/man1/
	cp man/*.5 $(DESTDIR)$(MANDIR)/man5/

uninstall:
	cd $(DESTDIR)$(BINDIR) && rm -f $(PROGS)
	for p in man/*.1; do rm -f $(DESTDIR)$(MANDIR)/man1/$${p#man/}; done
	for p in man/*.5; do rm -f $(DESTDIR)$(MANDIR)/man5/$${p#man/}; done

clean:
	rm -rf build build-asan

include tests/fuzz/fuzz.mk

.PHONY: all check asan valgrind demo bench install uninstall clean
.SUFFIXES:
