# bpflua - BCC-style eBPF tracing in LuaJIT.
#
#   make            build build/bpflua and build/bpflua-compiler.so
#   make test       unit tests, runtime suites on this kernel, then the VM stage
#   make install    PREFIX=/usr/local (bin/bpflua, lib/bpflua/bpflua-compiler.so, man page,
#                   and each tool in scripts/ as bin/bpflua-TOOL)
#   make SANITIZE=1 test-unit test-host
#                   the same suites against an ASan+UBSan build in build-san/
#                   (the test programs stay uninstrumented, in build/testprogs)

PREFIX      ?= /usr/local
LLVM_CONFIG ?= llvm-config-14
CC          ?= gcc
CXX         ?= g++
LUAJIT      ?= luajit
B           := build
# the BCC tools: the scripts built on bpflua.tool (the rest are examples)
TOOLS       := $(shell grep -l 'require "bpflua.tool"' scripts/*.lua)
SAN         :=
ifeq ($(SANITIZE),1)
B           := build-san
SAN         := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

VERSION     := $(shell cat VERSION)
LLVM_PREFIX := $(shell $(LLVM_CONFIG) --prefix)
LLVM_VERSION := $(shell $(LLVM_CONFIG) --version)
COMP_CSRC   := $(wildcard runtime/compile/*.c)
COMP_CXXSRC := $(wildcard runtime/compile/*.cpp)
BPF_HDRS    := $(shell find bpf-headers -name '*.h' | sort)
LIBBPF_HDRS := $(addprefix /usr/include/bpf/,bpf_helpers.h bpf_helper_defs.h bpf_tracing.h bpf_core_read.h bpf_endian.h)
# Cached objects are keyed by this: whatever changes the compiler's output.
BUILD_ID    := $(shell cat VERSION $(COMP_CSRC) $(COMP_CXXSRC) runtime/compile/*.h $(BPF_HDRS) $(LIBBPF_HDRS) 2>/dev/null | sha256sum | cut -c1-16)
WARN        := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-format-truncation
CFLAGS      ?= -O2 -g
BL_CFLAGS   := $(CFLAGS) $(SAN) $(WARN) -std=gnu11 -D_GNU_SOURCE -DBPFLUA_VERSION='"$(VERSION)"' \
               -DBPFLUA_BUILD_ID='"$(BUILD_ID)"' -DBPFLUA_LLVM_VERSION='"$(LLVM_VERSION)"' \
               $(shell pkg-config --cflags luajit libbpf) -iquote runtime
LLVM_CXX    := $(filter-out -std=% -fno-exceptions,$(shell $(LLVM_CONFIG) --cxxflags)) -std=c++17
COMP_LIBS   := -L$(LLVM_PREFIX)/lib -Wl,-rpath,$(LLVM_PREFIX)/lib -lclang -lclang-cpp $(shell $(LLVM_CONFIG) --libs) -lstdc++

# The host: everything under runtime/ except the compiler module.
HOST_SRC    := $(wildcard runtime/*.c runtime/btf/*.c runtime/sym/*.c)
HOST_OBJ    := $(HOST_SRC:%.c=$(B)/%.o)
HOST_LIBS   := $(shell pkg-config --libs luajit libbpf) -ldw -lelf -lz -ldl -lm -lreadline -lpcre2-8 \
               -lmicrohttpd -lpthread
LUA_SRC     := $(shell find lua -name '*.lua' | sort)
LUA_OBJ     := $(LUA_SRC:lua/%.lua=$(B)/lua/%.o)
# The compiler module: the only code that links clang/LLVM.
# The host files it also links (the fuzz build below links the same list).
COMP_HOST   := runtime/err.c runtime/embed.c runtime/fdio.c runtime/tracefs.c runtime/tracefs_format.c \
               runtime/printk_check.c
COMP_OBJ    := $(COMP_CSRC:%.c=$(B)/pic/%.o) $(COMP_CXXSRC:%.cpp=$(B)/pic/%.o) \
               $(COMP_HOST:%.c=$(B)/pic/%.o) $(B)/pic/headers.o

TESTPROG_SRC := $(wildcard tests/testprogs/*.c)
# stack_chain again as a non-PIE executable (symbols at link-time addresses).
# Always in build/ (uninstrumented, also for SANITIZE=1): the engine runs them there.
TESTPROGS    := $(TESTPROG_SRC:tests/testprogs/%.c=build/testprogs/%) build/testprogs/stack_chain_nopie
# Frame pointers: the kernel walks user stacks (get_stackid) through them.
TESTPROG_CFLAGS := -O1 -g -Wall -fno-inline -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer
UNIT_SRC     := $(wildcard tests/unit/test_*.c)
UNIT_BIN     := $(UNIT_SRC:tests/unit/%.c=$(B)/unit/%)

.PHONY: all test test-unit test-host test-vm test-fuzz bench install clean testprogs
all: $(B)/bpflua $(B)/bpflua-compiler.so

$(B)/bpflua: $(HOST_OBJ) $(LUA_OBJ) $(B)/ffi_h.o
	$(CC) $(SAN) -o $@ $^ -Wl,-E $(HOST_LIBS)

$(B)/bpflua-compiler.so: $(COMP_OBJ)
	$(CXX) $(SAN) -shared -o $@ $^ $(COMP_LIBS) $(shell pkg-config --libs libbpf)

$(B)/runtime/%.o: runtime/%.c $(wildcard runtime/*.h runtime/*/*.h) bpf-headers/bpflua/flavor.h bpf-headers/bpflua/usdt_spec.h VERSION
	@mkdir -p $(dir $@)
	$(CC) $(BL_CFLAGS) -c -o $@ $<

$(B)/pic/%.o: %.c $(wildcard runtime/*.h runtime/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(BL_CFLAGS) -fPIC -I$(LLVM_PREFIX)/include -c -o $@ $<

$(B)/pic/%.o: %.cpp $(wildcard runtime/*.h runtime/*/*.h)
	@mkdir -p $(dir $@)
	$(CXX) $(CFLAGS) $(SAN) -fPIC $(LLVM_CXX) -iquote runtime -c -o $@ $<

$(B)/runtime/objcache.o: $(COMP_CSRC) $(COMP_CXXSRC) $(BPF_HDRS)

# Lua modules become LuaJIT bytecode objects; require() finds them through
# their luaJIT_BC_<name> symbols (hence -Wl,-E above); a/init.lua is module a.
$(B)/lua/%.o: lua/%.lua
	@mkdir -p $(dir $@)
	$(LUAJIT) -b -g -n $(patsubst %.init,%,$(subst /,.,$*)) $< $@

# ffi.h is both a C header (runtime/*.c include it) and the text Lua's ffi.cdef reads.
$(B)/ffi_h.S: runtime/ffi.h tools/embed.sh
	@mkdir -p $(B)
	tools/embed.sh $@ bl_embedded_ffi runtime runtime/ffi.h
$(B)/ffi_h.o: $(B)/ffi_h.S
	$(CC) -c -o $@ $<

# What BPF programs can include: bpf-headers/ and libbpf's BPF-side headers (as <bpf/...>).
$(B)/headers.S: $(BPF_HDRS) $(LIBBPF_HDRS) tools/embed.sh
	@mkdir -p $(B)/inc/bpf
	cp $(LIBBPF_HDRS) $(B)/inc/bpf/
	cp -r bpf-headers/. $(B)/inc/
	tools/embed.sh $@ bl_embedded_headers $(B)/inc $$(cd $(B)/inc && find . -name '*.h' | sort | sed "s|^\.|$(B)/inc|")
$(B)/pic/headers.o: $(B)/headers.S
	@mkdir -p $(dir $@)
	$(CC) -c -o $@ $<

testprogs: $(TESTPROGS)
build/testprogs/%: tests/testprogs/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TESTPROG_CFLAGS) -o $@ $< -lpthread
build/testprogs/stack_chain_nopie: tests/testprogs/stack_chain.c
	@mkdir -p $(dir $@)
	$(CC) $(TESTPROG_CFLAGS) -no-pie -o $@ $<

# usdt_target's probes in a shared library, found next to it ($ORIGIN).
build/testprogs/libbltest_usdt.so: tests/testprogs/lib/bltest_usdt.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -g -Wall -fPIC -shared -o $@ $<
build/testprogs/usdt_target: tests/testprogs/usdt_target.c build/testprogs/libbltest_usdt.so
	@mkdir -p $(dir $@)
	$(CC) -O1 -g -Wall -fno-inline -o $@ $< -Lbuild/testprogs -lbltest_usdt -Wl,-rpath,'$$ORIGIN'

$(B)/unit/%: tests/unit/%.c $(filter-out $(B)/runtime/main.o,$(HOST_OBJ)) $(B)/ffi_h.o
	@mkdir -p $(dir $@)
	$(CC) $(BL_CFLAGS) -o $@ $^ $(HOST_LIBS)

test: all testprogs test-unit test-host test-fuzz test-vm

test-unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do $$t; done
	python3 tests/runtime/selftest.py

# Runtime tests at once (ALONE ones still run by themselves): tests/README.md.
TEST_JOBS ?= 2

# In the sanitized run ASan's own allocator is what hits the compile memory
# limit, and its report of the failed mmap deadlocks the worker: that one
# test (compile.test) runs in the uninstrumented run only, said here.
SAN_SKIP    := $(if $(filter 1,$(SANITIZE)),--filter '^(?!compile: the memory limit)')
test-host: all testprogs
	python3 tests/runtime/engine.py -j $(TEST_JOBS) $(SAN_SKIP) --bpflua $(B)/bpflua tests/runtime/*.test

test-vm: all testprogs
	tests/vm/run-suites

# Fuzzing (tests/fuzz/): libFuzzer targets built with clang into build-fuzz/;
# each first replays its kept regression inputs, then fuzzes FUZZ_SECONDS.
FZ           := build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CC      := clang-14
FUZZ_CXX     := clang++-14
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_LINK    := -fsanitize=fuzzer,address,undefined
FUZZ_HOST    := $(COMP_HOST) runtime/cachedir.c runtime/sha256.c runtime/btf/vmlinux_h.c runtime/btf/kernel_btf.c \
                runtime/btf/kstruct.c
FUZZ_RW_OBJ  := $(COMP_CSRC:%.c=$(FZ)/%.o) $(COMP_CXXSRC:%.cpp=$(FZ)/%.o) $(FUZZ_HOST:%.c=$(FZ)/%.o) \
                $(FZ)/tests/fuzz/fuzz_rewrite.o $(B)/pic/headers.o

$(FZ)/%.o: %.c $(wildcard runtime/*.h runtime/*/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -std=gnu11 -D_GNU_SOURCE -DBPFLUA_VERSION='"$(VERSION)"' \
	    $(shell pkg-config --cflags libbpf) -I$(LLVM_PREFIX)/include -iquote runtime -c -o $@ $<
$(FZ)/%.o: %.cpp $(wildcard runtime/*.h runtime/*/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(FUZZ_FLAGS) $(LLVM_CXX) -iquote runtime -c -o $@ $<
$(FZ)/fuzz_rewrite: $(FUZZ_RW_OBJ)
	$(FUZZ_CXX) $(FUZZ_LINK) -o $@ $^ $(COMP_LIBS) $(shell pkg-config --libs libbpf) -lelf -lz
$(FZ)/fuzz_convert: tests/fuzz/fuzz_convert.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(FUZZ_LINK) $(shell pkg-config --cflags luajit) -o $@ $< $(shell pkg-config --libs luajit)

test-fuzz: $(FZ)/fuzz_convert $(FZ)/fuzz_rewrite
	tests/fuzz/run $(FZ) $(FUZZ_SECONDS) convert rewrite

# The C (libbpf) side of the table and event stream benchmarks.
BENCH_BIN := $(B)/bench/events_c $(B)/bench/tables_c $(B)/bench/emit $(B)/bench/events.bpf.o

bench: all testprogs $(BENCH_BIN)
	bench/run
	$(B)/bpflua bench/sym.lua $(B)/testprogs/stack_chain

$(B)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g $(WARN) -D_GNU_SOURCE -o $@ $< $(shell pkg-config --libs libbpf)

$(B)/bench/events.bpf.o: bench/events.bpf.c
	@mkdir -p $(dir $@)
	clang-14 -O2 -g -target bpf -mcpu=v3 -I/usr/include/$(shell $(CC) -dumpmachine) -c -o $@ $<

install: all
	install -D -m 0755 $(B)/bpflua $(DESTDIR)$(PREFIX)/bin/bpflua
	install -D -m 0755 $(B)/bpflua-compiler.so $(DESTDIR)$(PREFIX)/lib/bpflua/bpflua-compiler.so
	install -D -m 0644 doc/bpflua.1 $(DESTDIR)$(PREFIX)/share/man/man1/bpflua.1
	install -d $(DESTDIR)$(PREFIX)/share/bpflua/scripts
	install -m 0755 scripts/*.lua $(DESTDIR)$(PREFIX)/share/bpflua/scripts/
	@for t in $(TOOLS); do \
		echo install -m 0755 $$t $(DESTDIR)$(PREFIX)/bin/bpflua-$$(basename $$t .lua); \
		install -m 0755 $$t $(DESTDIR)$(PREFIX)/bin/bpflua-$$(basename $$t .lua) || exit 1; \
	done

clean:
	rm -rf $(B) $(FZ)
