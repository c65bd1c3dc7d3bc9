# pyjitc: plain make.  `make deps` once on a fresh machine, then `make`, `make test`.
PYTHON      ?= python3
LLVM_CONFIG ?= $(shell command -v llvm-config-19 || echo /usr/lib/llvm-19/bin/llvm-config)
CC          ?= cc
PREFIX      ?= /usr/local

PY_INCLUDE  := $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
EXT_SUFFIX  := $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
PY_SITE     := $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
PY_ABS      := $(shell command -v $(PYTHON))
LLVM_CFLAGS := $(shell $(LLVM_CONFIG) --cflags 2>/dev/null | sed 's/-W[a-z-]*//g')
LLVM_LIBS   := $(shell $(LLVM_CONFIG) --ldflags --libs --system-libs --link-shared 2>/dev/null)

WARN    = -Wall -Wextra -Wshadow -Wpointer-arith -Wmissing-prototypes \
          -Wstrict-prototypes -Wno-unused-parameter
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(CFLAGS) $(WARN) $(SAN)
B = build

COMPILER_SRC := $(filter-out compiler/main.c,$(wildcard compiler/*.c)) stdlib/builtins.c
COMPILER_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(COMPILER_SRC))
RUNTIME_SRC  := $(wildcard runtime/*.c) $(wildcard stdlib/pymath.c)
RUNTIME_OBJ  := $(patsubst %.c,$(B)/rt/%.o,$(RUNTIME_SRC))
HEADERS      := $(wildcard compiler/*.h compiler/*.def stdlib/*.h stdlib/*.def runtime/*.h)

PY_SRC := $(wildcard python/pyjitc/*.py)

all: $(B)/pyjitc $(B)/libpjrt.a $(B)/pyc.stamp

# The package's bytecode, as an installed package has it: without it every
# process that imports pyjitc compiles its source again (about 4 ms of the
# @native cache-hit path), for example under PYTHONDONTWRITEBYTECODE=1.
$(B)/pyc.stamp: $(PY_SRC)
	@mkdir -p $(B)
	$(PYTHON) -m compileall -q python/pyjitc
	@touch $@

$(B)/obj/%.o: %.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LLVM_CFLAGS) -DPJ_EXT_SUFFIX='"$(EXT_SUFFIX)"' \
	    -DPJ_PYTHON='"$(PY_ABS)"' -c $< -o $@

$(B)/libpyjitc.a: $(COMPILER_OBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/pyjitc: $(B)/obj/compiler/main.o $(B)/libpyjitc.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LLVM_LIBS) -lm

# The runtime is compiled once per target Python, position-independent and
# hidden: only PyInit_<module> leaves a generated module.
$(B)/rt/%.o: %.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -I$(PY_INCLUDE) -Iruntime -c $< -o $@

$(B)/libpjrt.a: $(RUNTIME_OBJ)
	rm -f $@ && ar rcs $@ $^

# ---- tests: one runner (pytest) for every tier; its summary line ends the output.
test: all
	PYJITC=$(CURDIR)/$(B)/pyjitc PYTHONPATH=$(CURDIR)/python $(PYTHON) -m pytest -q tests

# ---- fuzz-frontend: libFuzzer targets for lex / parse / check (fuzz/), built
# with the front end's objects in build-fuzz/ under ASan+UBSan (+LeakSanitizer).
# `make fuzz-frontend FUZZ_SECONDS=60` runs each target that long; crashes go
# to fuzz/crashes/ (see docs/testing.md).
FUZZ_CC      ?= clang-19
FUZZ_SECONDS ?= 60
FB           := build-fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_SRC     := compiler/base.c compiler/diag.c compiler/source.c $(wildcard compiler/lex*.c) \
                compiler/parse.c compiler/ast.c compiler/types.c $(wildcard compiler/check*.c) \
                stdlib/builtins.c
FUZZ_OBJ     := $(patsubst %.c,$(FB)/obj/%.o,$(FUZZ_SRC))
FUZZ_TARGETS := $(FB)/fuzz_lex $(FB)/fuzz_parse $(FB)/fuzz_check

$(FB)/obj/%.o: %.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=fuzzer-no-link $(FUZZ_SAN) -c $< -o $@

$(FB)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz_common.c fuzz/fuzz_common.h $(FUZZ_OBJ)
	$(FUZZ_CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ \
	    fuzz/fuzz_$*.c fuzz/fuzz_common.c $(FUZZ_OBJ) -lm

# (the objects are intermediates of a pattern chain: keep them)
.PRECIOUS: $(FB)/obj/%.o

fuzz-frontend: $(FUZZ_TARGETS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh lex parse check

# ---- test-sanitize: the whole pytest suite against a compiler and runtime
# built with ASan+UBSan (clang, shared ASan runtime) in build-san/.  The
# Python process gets the ASan runtime preloaded, leak checks off (CPython
# itself "leaks" at exit); build-san/pyjitc is a wrapper that drops the
# preload and runs the real compiler with leak checks on.
SAN_CC     ?= clang-19
SB         := build-san
SAN_FLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
              -fno-omit-frame-pointer
SAN_ASAN_SO = $(shell $(SAN_CC) -print-file-name=libclang_rt.asan-x86_64.so)

test-sanitize:
	$(MAKE) B=$(SB)/c CC=$(SAN_CC) CFLAGS='-O1 -g' SAN='$(SAN_FLAGS)' all
	fuzz/sanitize-wrapper.sh $(CURDIR)/$(SB)
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	LD_PRELOAD=$(SAN_ASAN_SO) PYJITC=$(CURDIR)/$(SB)/pyjitc \
	PYJITC_RUNTIME=$(CURDIR)/$(SB)/libpjrt.a PYTHONPATH=$(CURDIR)/python \
	    $(PYTHON) -m pytest -q tests $(PYTEST_ARGS)

.PHONY: fuzz-frontend test-sanitize

# ---- benchmarks (bench/; never part of `make test`): `make bench`, `make bench QUICK=1`,
# `make bench ONLY=fib,nbody`.  Results in bench/out/ (RESULTS.md, results.json, bench.png).
bench: all
	PYJITC=$(CURDIR)/$(B)/pyjitc PYTHONPATH=$(CURDIR)/python $(PYTHON) bench/run.py \
	    $(if $(filter-out 0 no,$(QUICK)),--quick) $(if $(ONLY),--only $(ONLY))

# the peers `make bench` compares against (each is skipped with a note when missing)
bench-deps:
	$(PYTHON) -m pip install numba cython pythran matplotlib

.PHONY: bench bench-deps

# ---- install: the `pyjitc` command, the runtime, and the Python package.
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pyjitc $(DESTDIR)$(PY_SITE)/pyjitc
	install -m 755 $(B)/pyjitc $(DESTDIR)$(PREFIX)/bin/pyjitc
	install -m 644 $(B)/libpjrt.a $(DESTDIR)$(PREFIX)/lib/pyjitc/libpjrt.a
	install -m 644 python/pyjitc/*.py $(DESTDIR)$(PY_SITE)/pyjitc/
	printf 'PYJITC_BIN = "%s"\n' '$(PREFIX)/bin/pyjitc' > $(DESTDIR)$(PY_SITE)/pyjitc/_paths.py
	$(PYTHON) -m compileall -q $(DESTDIR)$(PY_SITE)/pyjitc

# ---- dependencies on a fresh Debian 12 machine (run as root).
deps:
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	    make gcc llvm-19-dev clang-19 libclang-rt-19-dev libffi-dev
	$(PYTHON) -m pip install --quiet numpy pytest hypothesis

clean:
	rm -rf $(B) build-fuzz build-san

.PHONY: all test install deps clean

# ---- random-program differential testing against CPython (fuzzdiff/):
#      `make fuzz-diff COUNT=500` or `make fuzz-diff SECONDS=300` [START=seed JOBS=2]
fuzz-diff: all
	PYTHONPATH=$(CURDIR)/python:$(CURDIR) $(PYTHON) -m fuzzdiff \
	    $(if $(SECONDS),--seconds $(SECONDS),--count $(or $(COUNT),200)) \
	    --start $(or $(START),0) --jobs $(or $(JOBS),2) --pyjitc $(CURDIR)/$(B)/pyjitc
.PHONY: fuzz-diff
