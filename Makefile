# csm-tools: see README.md.  GNU make (Linux, macOS, the BSDs' gmake).
#
#   make              build the library and every program into $(BUILD)/
#                     (never installs anything: a missing library is an
#                     error that names the command installing it)
#   make deps         install the libraries and tools the build and tests
#                     need (scripts/install-deps: apt-get, through sudo)
#   make check        deps, unit tests, command-line tests, then all again
#                     under AddressSanitizer + UndefinedBehaviorSanitizer
#   make demo         deps, then the weekly risk report on the bundled data
#                     (Markdown, and an HTML email in $(BUILD)/risk-demo.html),
#                     the expansion report's summary, NRR, QBR pages,
#                     and a score judged and fitted on generated churn history
#   make install      stripped programs, man pages, shell completions and
#                     docs under $(DESTDIR)$(PREFIX) (INSTALL_STRIP= keeps
#                     the symbols); make uninstall removes them all
#   make dist         csm-tools-$(VERSION).tar.gz; make distcheck builds it
#                     and runs make check in the unpacked tree
#   make valgrind     the command-line tests under valgrind
#   make asan         only the sanitizer run of the tests
#   make tsan         the tests under ThreadSanitizer, into build-tsan/
#                     (csm-score and csm-risk parse on a thread of their own);
#                     CASES="csm-score/explain ..." runs only those cases
#   make bench        scripts/bench (never part of check)
#   make fuzz         libFuzzer on every parser and the report renderers
#                     (clang; see tests/fuzz/fuzz.mk);
#                     check runs each seed corpus once (fuzz-regress)

VERSION  = $(shell sed -n 's/^\#define CSM_VERSION "\(.*\)"/\1/p' common/csm.h)
PREFIX   = /usr/local
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man
DOCDIR   = $(PREFIX)/share/doc/csm-tools
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  = $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR = $(PREFIX)/share/fish/vendor_completions.d
INSTALL_STRIP = -s
BUILD    = build
CC       ?= cc
CPPFLAGS = -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -Icommon
OPT      = -O2
CFLAGS   = -std=c11 $(OPT) -g -Wall -Wextra -Wpedantic -Wshadow \
           -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
           -Wwrite-strings -Wvla -Wno-format-nonliteral -pthread $(WERROR) \
           $(SANITIZE)
LDFLAGS  =
LDLIBS   = -lcsv -lyaml -lm
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
TSANFLAGS = -fsanitize=thread -fno-omit-frame-pointer

PROGS    = $(patsubst cmd/%.c,%,$(wildcard cmd/csm-*.c))
LIBOBJS  = err xalloc buf map val money tbl out cols expr yaml cfg defcfg cli \
           text score cover utf8 json md html svg rows stat label lift logit \
           prev fcast
UNITS    = t-err t-val t-money t-tbl t-out t-cols t-map t-text t-expr t-yaml \
           t-cfg t-score t-cover t-utf8 t-json t-md t-html t-svg t-rows \
           t-stat t-logit t-lift t-label t-prev t-fcast
# the signal engine of csm-risk and csm-expand
LIBOBJS += signal tierrep sigrows sigrun
UNITS   += t-signal t-tierrep

LIB      = $(BUILD)/libcsm.a
BINS     = $(PROGS:%=$(BUILD)/%)
TESTBINS = $(UNITS:%=$(BUILD)/tests/%) $(BUILD)/tests/csvconform
HDRS     = common/csm.h

COMPS    = $(BUILD)/completions/csm.bash

all: $(BUILD)/.deps $(BINS) $(COMPS)

# Shell completions (bash, zsh, fish), read from the programs' own --help.
$(COMPS): $(BINS) scripts/gen-completions
	sh scripts/gen-completions $(BUILD) $(BUILD)/completions

# Plain make only checks: it never installs behind the user's back.
$(BUILD)/.deps: scripts/install-deps
	@mkdir -p $(BUILD)
	@sh scripts/install-deps --check
	@touch $@

deps:
	@sh scripts/install-deps --if-missing

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

$(BUILD)/tests/%: tests/unit/%.c tests/unit/t.h tests/unit/tcap.h $(LIB) $(HDRS)
	@mkdir -p $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

check: deps
	@$(MAKE) --no-print-directory tests

tests: all $(TESTBINS)
	sh tests/man-check.sh $(BUILD)
	sh tests/run-unit.sh $(BUILD) $(UNITS)
	@if [ -z "$(SANITIZE)" ]; then \
		$(MAKE) --no-print-directory fuzz-regress; fi
	sh tests/run-cli.sh $(BUILD) $(CASES)
	@if [ -z "$(SANITIZE)" ] && [ -z "$(NOASAN)" ]; then \
		$(MAKE) --no-print-directory asan; fi

asan:
	$(MAKE) --no-print-directory BUILD=build-asan OPT=-O1 SANITIZE="$(SANFLAGS)" \
	    NOASAN=1 WERROR="$(WERROR)" tests

# A race is reported on stderr, which the tests compare, and the run ends
# 125.  A tool that dies of a data error exits with the reader thread not
# joined, which ThreadSanitizer would call a leak: it is not one (exit
# ends the thread), so it is not reported.
tsan:
	TSAN_OPTIONS="halt_on_error=1 exitcode=125 report_thread_leaks=0 $$TSAN_OPTIONS" \
	$(MAKE) --no-print-directory BUILD=build-tsan OPT=-O1 \
	    SANITIZE="$(TSANFLAGS)" NOASAN=1 WERROR="$(WERROR)" \
	    CASES="$(CASES)" tests

valgrind: all $(TESTBINS)
	CSM_VALGRIND=1 sh tests/run-cli.sh $(BUILD)

# The sample data is as of 2026-11-23, so the demo reasons from that date.
DEMO_ASOF = --as-of 2026-11-23

demo: deps
	@$(MAKE) --no-print-directory demo-run

demo-run: all
	@$(BUILD)/csm-score < tests/data/accounts.csv | \
	    $(BUILD)/csm-risk $(DEMO_ASOF) --top 3 --format md
	@$(BUILD)/csm-score -q < tests/data/accounts.csv | \
	    $(BUILD)/csm-risk -q $(DEMO_ASOF) --top 3 --format html \
	    > $(BUILD)/risk-demo.html
	@echo; echo "The same report as an HTML email: $(BUILD)/risk-demo.html"
	@echo; $(BUILD)/csm-score -q < tests/data/accounts.csv | \
	    $(BUILD)/csm-expand -q $(DEMO_ASOF) --format md | sed -n '1,9p'
	@if [ -x $(BUILD)/csm-nrr ] && [ -f tests/data/arr_monthly.csv ]; then \
	    echo; $(BUILD)/csm-nrr -g segment --format md < tests/data/arr_monthly.csv; fi
	@mkdir -p $(BUILD)/qbr-demo
	@for a in A00003 A00019; do \
	    $(BUILD)/csm-score < tests/data/quarterly.csv | \
	    $(BUILD)/csm-qbr $(DEMO_ASOF) --account $$a --format html \
	    --out-dir $(BUILD)/qbr-demo > /dev/null || exit 1; done
	@echo; echo "QBR pages for two accounts:"; ls $(BUILD)/qbr-demo/*.html | sed 's/^/  /'
	@sh scripts/gen-churn 5000 1 > $(BUILD)/history.csv
	@sh scripts/gen-churn 5000 2 > $(BUILD)/holdout.csv
	@echo; echo "Does the built-in score predict churn?  5000 generated accounts:"
	@$(BUILD)/csm-score $(DEMO_ASOF) < $(BUILD)/holdout.csv | \
	    $(BUILD)/csm-eval --label churned --bins 0 -f md | sed 1,2d
	@$(BUILD)/csm-fit $(DEMO_ASOF) --label churned $(BUILD)/history.csv \
	    > $(BUILD)/fitted.yaml 2> /dev/null
	@echo; echo "A score fitted to 5000 others (csm-fit; $(BUILD)/fitted.yaml), on the same:"
	@$(BUILD)/csm-score $(DEMO_ASOF) -c $(BUILD)/fitted.yaml < $(BUILD)/holdout.csv | \
	    $(BUILD)/csm-eval --label churned --bins 0 -f md | sed 1,2d

bench: all
	sh scripts/bench

DOCS     = README.md LICENSE
EXAMPLES = tests/data/accounts.csv tests/data/arr_monthly.csv \
           tests/data/quarterly.csv common/default.yaml

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DOCDIR)/examples
	for p in $(BINS); do \
		install -m 755 $(INSTALL_STRIP) $$p $(DESTDIR)$(BINDIR)/ || exit 1; done
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 $(DOCS) $(DESTDIR)$(DOCDIR)/
	install -m 644 $(EXAMPLES) $(DESTDIR)$(DOCDIR)/examples/
	install -m 755 scripts/weekly-risk $(DESTDIR)$(DOCDIR)/examples/ 2>/dev/null || true
	mkdir -p $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
	    $(DESTDIR)$(FISHCOMPDIR)
	for p in $(PROGS); do \
		install -m 644 $(BUILD)/completions/csm.bash \
		    $(DESTDIR)$(BASHCOMPDIR)/$$p || exit 1; done
	install -m 644 $(BUILD)/completions/_csm $(DESTDIR)$(ZSHCOMPDIR)/_csm
	install -m 644 $(BUILD)/completions/csm.fish \
	    $(DESTDIR)$(FISHCOMPDIR)/csm-tools.fish

uninstall:
	cd $(DESTDIR)$(BINDIR) && rm -f $(PROGS)
	for p in man/*.1; do rm -f $(DESTDIR)$(MANDIR)/man1/$${p#man/}; done
	for p in man/*.5; do rm -f $(DESTDIR)$(MANDIR)/man5/$${p#man/}; done
	for p in $(PROGS); do rm -f $(DESTDIR)$(BASHCOMPDIR)/$$p; done
	rm -f $(DESTDIR)$(ZSHCOMPDIR)/_csm $(DESTDIR)$(FISHCOMPDIR)/csm-tools.fish
	rm -rf $(DESTDIR)$(DOCDIR)

# The release tarball: every file git tracks, under csm-tools-VERSION/.
DIST     = csm-tools-$(VERSION)

dist:
	@git rev-parse --git-dir >/dev/null 2>&1 || \
	    { echo "make dist: needs the git checkout" >&2; exit 1; }
	@if [ -n "$$(git status --porcelain --untracked-files=no)" ]; then \
	    echo "make dist: commit your changes first (git status)" >&2; exit 1; fi
	git archive --format=tar --prefix=$(DIST)/ HEAD | gzip -9n > $(DIST).tar.gz
	@echo "$(DIST).tar.gz"
	@command -v sha256sum >/dev/null 2>&1 && sha256sum $(DIST).tar.gz || true

distcheck: dist
	rm -rf $(BUILD)/distcheck && mkdir -p $(BUILD)/distcheck
	tar -xzf $(DIST).tar.gz -C $(BUILD)/distcheck
	cd $(BUILD)/distcheck/$(DIST) && $(MAKE) check WERROR="$(WERROR)" && \
	    $(MAKE) install DESTDIR=$$PWD/stage && \
	    test -x stage$(BINDIR)/csm-score && \
	    stage$(BINDIR)/csm-score --version | grep -q "$(VERSION)" && \
	    $(MAKE) uninstall DESTDIR=$$PWD/stage && \
	    test -z "$$(find stage -type f)"
	@echo "$(DIST).tar.gz: builds, passes make check, installs and uninstalls"

clean:
	rm -rf build build-asan build-tsan csm-tools-*.tar.gz

include tests/fuzz/fuzz.mk

.PHONY: all deps check tests asan tsan valgrind demo demo-run bench install \
	uninstall dist distcheck clean
.SUFFIXES:
