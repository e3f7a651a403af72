# rms: the two commands of the README, and the build behind them.
#   make        build the tools into build/bin
#   make check  build, then run the whole test suite (lit + FileCheck)
#   make demo   build, then compile and run examples/ on every target
#   make bench  build, then measure the benchmark workloads
#   make gpu-bundle  pack .dev/ for a GPU machine without LLVM 22 (bench/gpu)

BUILD  ?= build
LLVM   ?= /usr/lib/llvm-22
PYTHON ?= /usr/bin/python3
LIT    := $(LLVM)/bin/lit
JOBS   ?= $(shell nproc)

.PHONY: all deps build check demo bench gpu-bundle clean

all: build

deps:
	@utils/install-deps.sh

$(BUILD)/build.ninja: CMakeLists.txt | deps
	@cmake -G Ninja -S . -B $(BUILD) \
	  -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_C_COMPILER=$(LLVM)/bin/clang \
	  -DCMAKE_CXX_COMPILER=$(LLVM)/bin/clang++ \
	  -DLLVM_ENABLE_LLD=ON \
	  -DMLIR_DIR=$(LLVM)/lib/cmake/mlir \
	  -DLLVM_DIR=$(LLVM)/lib/cmake/llvm \
	  -DLLVM_EXTERNAL_LIT=$(LIT) >/dev/null

build: deps $(BUILD)/build.ninja
	@ninja -C $(BUILD) -j $(JOBS) rms-opt rms-translate rms-run RmsPlugin mlir-doc

check: build
	@ninja -C $(BUILD) -j $(JOBS) >/dev/null
	@$(LIT) -sv -j $(JOBS) $(BUILD)/test -o $(BUILD)/test-results.json; \
	  status=$$?; \
	  $(PYTHON) utils/lit-summary.py $(BUILD)/test-results.json || status=1; \
	  exit $$status

demo: build
	@$(PYTHON) examples/demo.py --build $(BUILD)

bench: build
	@utils/install-deps.sh gnuplot-nox glslang-tools
	@$(PYTHON) bench/bench.py --build $(BUILD)

gpu-bundle: build
	@bench/gpu/bundle.sh $(BUILD) .dev

clean:
	rm -rf $(BUILD)
