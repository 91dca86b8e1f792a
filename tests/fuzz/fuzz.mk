# tests/fuzz/fuzz.mk: the fuzz targets, for GNU make, included by the
# top-level Makefile (whose BUILD, CC, CPPFLAGS, CFLAGS, LDLIBS and LIBOBJS
# it uses).  Each target is built from the common/ sources themselves, not
# from libcsm.a, because it needs its own sanitizer flags.
#
#   make fuzz-regress   each target, built with $(CC) and the plain driver
#                       (driver.c), run once on every input of its corpus,
#                       tests/fuzz/corpus/<target>/, and of ../shared/testdata
#   make fuzz           each target, built with clang and libFuzzer, fuzzed
#                       for FUZZTIME seconds on a copy of its corpus
#   make fuzz-merge     what `make fuzz` found that adds coverage, added
#                       to the corpora
#
#   make fuzz FUZZTIME=600 FUZZ_TARGETS=fuzz-csv FUZZFLAGS=-max_len=8192

ifndef FUZZ_MK
FUZZ_MK      := 1

FUZZ_TARGETS ?= fuzz-csv fuzz-expr fuzz-yaml fuzz-val fuzz-qbr fuzz-risk
FUZZTIME     ?= 60
FUZZFLAGS    ?=
FUZZ_SHARED  ?= ../shared/testdata
CLANG        ?= clang
FUZZ_CLANG   := $(shell command -v $(CLANG) 2>/dev/null)
FUZZ_SAN     = -fsanitize=address,undefined -fno-sanitize-recover=all \
               -fno-omit-frame-pointer
FUZZ_LIBSRC  = $(patsubst %,common/%.c,$(filter-out defcfg,$(LIBOBJS))) \
               $(BUILD)/defcfg.c
FUZZ_DEPS    = tests/fuzz/util.c tests/fuzz/fuzz.h $(FUZZ_LIBSRC) common/csm.h

# The report renderers' targets include their tool's source.
$(BUILD)/fuzz-regress/fuzz-qbr $(BUILD)/fuzz/fuzz-qbr: cmd/csm-qbr.c
$(BUILD)/fuzz-regress/fuzz-risk $(BUILD)/fuzz/fuzz-risk: cmd/csm-risk.c

# The regression build: $(CC) with the sanitizers when it has them.
$(BUILD)/fuzz-regress/%: tests/fuzz/%.c tests/fuzz/driver.c $(FUZZ_DEPS) \
    | $(BUILD)/.deps
	@mkdir -p $(BUILD)/fuzz-regress
	@if echo 'int main(void) { return 0; }' | $(CC) $(FUZZ_SAN) -x c \
	    -o $@.san - >/dev/null 2>&1; then san='$(FUZZ_SAN)'; \
	else san=; echo "$*: $(CC) has no -fsanitize=address,undefined"; fi; \
	rm -f $@.san; \
	echo "$(CC) ... $$san -o $@ tests/fuzz/$*.c tests/fuzz/driver.c"; \
	$(CC) $(CPPFLAGS) -Itests/fuzz $(CFLAGS) $$san -o $@ tests/fuzz/$*.c \
	    tests/fuzz/driver.c tests/fuzz/util.c $(FUZZ_LIBSRC) $(LDLIBS)

# The libFuzzer build.
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_DEPS) | $(BUILD)/.deps
	@mkdir -p $(BUILD)/fuzz
	$(CLANG) $(CPPFLAGS) -Itests/fuzz $(CFLAGS) -fsanitize=fuzzer \
	    $(FUZZ_SAN) -o $@ tests/fuzz/$*.c tests/fuzz/util.c \
	    $(FUZZ_LIBSRC) $(LDLIBS)

# Each corpus, and what ../shared/testdata holds for the target.
fuzz-regress: $(FUZZ_TARGETS:%=$(BUILD)/fuzz-regress/%)
	@if [ ! -d $(FUZZ_SHARED) ]; then \
		echo "fuzz-regress: shared test inputs (optional conformance data not found: skipped)"; fi
	@for t in $(FUZZ_TARGETS); do \
		set -- tests/fuzz/corpus/$$t; \
		if [ -d $(FUZZ_SHARED) ]; then case $$t in \
		fuzz-csv) set -- "$$@" $(FUZZ_SHARED)/csv/*/*/input.csv ;; \
		fuzz-yaml) set -- "$$@" $(FUZZ_SHARED)/yaml/*/in.yaml ;; \
		esac; fi; \
		$(BUILD)/fuzz-regress/$$t "$$@" || exit 1; \
	done

ifeq ($(FUZZ_CLANG),)
fuzz fuzz-merge:
	@echo "$@: clang not found, skipped"
else
fuzz: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)
	@for t in $(FUZZ_TARGETS); do \
		c=$(BUILD)/fuzz/$$t.corpus; \
		mkdir -p $$c && cp tests/fuzz/corpus/$$t/* $$c/ || exit 1; \
		echo "== $$t for $(FUZZTIME)s (crashes go to $(BUILD)/fuzz/$$t-*)"; \
		$(BUILD)/fuzz/$$t -max_total_time=$(FUZZTIME) -timeout=5 \
		    -rss_limit_mb=2048 -print_final_stats=1 \
		    -artifact_prefix=$(BUILD)/fuzz/$$t- $(FUZZFLAGS) $$c \
		    2>$(BUILD)/fuzz/$$t.log || { tail -n 60 $(BUILD)/fuzz/$$t.log; \
		    exit 1; }; \
		grep -E '^stat::number_of_executed_units|^stat::average_exec_per_sec|^#[0-9]+.*DONE' \
		    $(BUILD)/fuzz/$$t.log; \
	done

# Adds to tests/fuzz/corpus/<target>/ the inputs `make fuzz` found that
# reach code (edges: -use_counters=0 keeps the corpora small) its files do
# not; the files already there stay, with their names.
fuzz-merge: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(BUILD)/fuzz/$$t.corpus; \
		n=`ls tests/fuzz/corpus/$$t | wc -l`; \
		$(BUILD)/fuzz/$$t -merge=1 -use_counters=0 $(FUZZFLAGS) \
		    tests/fuzz/corpus/$$t $(BUILD)/fuzz/$$t.corpus \
		    2>$(BUILD)/fuzz/$$t.merge.log || exit 1; \
		echo "$$t: $$n inputs, now `ls tests/fuzz/corpus/$$t | wc -l`"; \
	done
endif

.PHONY: fuzz fuzz-regress fuzz-merge
endif
