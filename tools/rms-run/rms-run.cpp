//===- rms-run.cpp - run a function of an MLIR file on .npy data ----------===//
//
// `rms-run FILE.mlir --function=NAME --target=cpu --input=@x.npy ...
// --output=@y.npy [--benchmark=N]`: compiles FILE with the rms pipeline of the
// target, runs NAME on the inputs and writes its results, like
// `iree-run-module`. Tensor arguments and results travel as `.npy` files
// (bf16 as raw bits with dtype `<u2`). Any wrong input gives one line on
// stderr and a non-zero exit.
//
//===----------------------------------------------------------------------===//

#include "Npy.h"
#include "VulkanRunner.h"

#include "rms/Dialect/Rms/IR/Rms.h"
#include "rms/Dialect/Rms/Transforms/Passes.h"
#include "rms/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <csignal>
#include <mutex>
#include <unistd.h>
#include <unordered_map>

using namespace mlir;
using rms::NpyArray;

namespace cl = llvm::cl;

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<file.mlir>"));
static cl::opt<std::string> functionName("function",
                                         cl::desc("Function to run"));
static cl::opt<bool> listDevices(
    "list-devices",
    cl::desc("List the Vulkan devices (RMS_VULKAN_DEVICE indices) and exit"));
static cl::opt<std::string> target("target", cl::desc("cpu or vulkan"),
                                   cl::init("cpu"));
static cl::list<std::string> inputs("input",
                                    cl::desc("@FILE.npy, in argument order"));
static cl::list<std::string> outputs("output",
                                     cl::desc("@FILE.npy, in result order"));
static cl::opt<std::string> pipelineOptions(
    "pipeline-options",
    cl::desc("Options of the target's pipeline, as for rms-opt, e.g. "
             "\"tile-rows=4 nontemporal-bytes=0\""),
    cl::init(""));
static cl::opt<bool> printPipeline(
    "print-pipeline",
    cl::desc("Print the pass pipeline it compiles with, options included (as "
             "chosen for the device), on stderr"));
static cl::opt<unsigned> benchmark(
    "benchmark", cl::desc("Timed repetitions after a warm-up; prints the "
                          "median time and GB/s"),
    cl::init(0));

/// With --print-pipeline, prints `pm` as a textual pipeline on stderr.
static void printPipelineIfAsked(PassManager &pm) {
  if (!printPipeline)
    return;
  pm.printAsTextualPipeline(llvm::errs());
  llvm::errs() << "\n";
}

/// Prints `rms-run: error: MESSAGE` and exits with status 1.
[[noreturn]] static void fatal(const llvm::Twine &message) {
  llvm::errs() << "rms-run: error: " << message << "\n";
  std::exit(1);
}

/// The `.npy` dtype of a tensor element type, or "" if unsupported.
static std::string npyDescr(Type type) {
  if (type.isF16())
    return "<f2";
  if (type.isBF16())
    return "<u2";
  if (type.isF32())
    return "<f4";
  if (type.isF64())
    return "<f8";
  return "";
}

static std::string typeString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

static std::string shapeString(llvm::ArrayRef<int64_t> shape) {
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s.empty() ? "scalar" : s;
}

/// Strips the `@` of `@FILE`.
static std::string filePath(llvm::StringRef flag, llvm::StringRef value) {
  if (!value.starts_with("@") || value.size() < 2)
    fatal("--" + flag + "=" + value + ": expected @FILE.npy");
  return value.drop_front().str();
}

namespace {
/// A ranked memref descriptor as MLIR's StridedMemRefType lays it out:
/// allocated pointer, aligned pointer, offset, sizes[rank], strides[rank].
struct Descriptor {
  std::vector<int64_t> words;

  static Descriptor forBuffer(void *data, llvm::ArrayRef<int64_t> shape) {
    Descriptor d;
    int64_t rank = shape.size();
    d.words.assign(3 + 2 * rank, 0);
    d.words[0] = d.words[1] = reinterpret_cast<int64_t>(data);
    int64_t stride = 1;
    for (int64_t i = rank - 1; i >= 0; --i) {
      d.words[3 + i] = shape[i];
      d.words[3 + rank + i] = stride;
      stride *= shape[i];
    }
    return d;
  }
};

/// An input copied into 64-byte aligned memory.
struct AlignedBuffer {
  explicit AlignedBuffer(size_t bytes)
      : data(std::aligned_alloc(64, std::max<size_t>(64, (bytes + 63) / 64 * 64))) {}
  ~AlignedBuffer() { std::free(data); }
  AlignedBuffer(AlignedBuffer &&other) : data(other.data) { other.data = nullptr; }
  AlignedBuffer(const AlignedBuffer &) = delete;
  void *data;
};
} // namespace

//===----------------------------------------------------------------------===//
// Result buffers
//===----------------------------------------------------------------------===//

/// The compiled code allocates its results with `malloc`; rms-run frees them.
/// Both go through this cache, which keeps freed blocks by size and hands
/// them out again, so that benchmark repetitions write into warm pages
/// instead of timing the page faults of fresh mappings (glibc maps blocks of
/// 32 MiB and more anew on every malloc).
namespace {
class BufferCache {
public:
  static void *allocate(size_t bytes) {
    auto &self = get();
    std::lock_guard<std::mutex> lock(self.mutex);
    auto it = self.freeBlocks.find(bytes);
    if (it != self.freeBlocks.end()) {
      void *block = it->second;
      self.freeBlocks.erase(it);
      return block;
    }
    void *block = std::malloc(bytes);
    if (block)
      self.sizes[block] = bytes;
    return block;
  }
  static void release(void *block) {
    auto &self = get();
    std::lock_guard<std::mutex> lock(self.mutex);
    auto it = self.sizes.find(block);
    if (it == self.sizes.end())
      return std::free(block);
    self.freeBlocks.emplace(it->second, block);
  }

private:
  static BufferCache &get() {
    static BufferCache cache;
    return cache;
  }
  std::mutex mutex;
  std::unordered_map<void *, size_t> sizes;
  std::unordered_multimap<size_t, void *> freeBlocks;
};
} // namespace

extern "C" {
static void *rmsRunMalloc(size_t bytes) { return BufferCache::allocate(bytes); }
static void rmsRunFree(void *block) { BufferCache::release(block); }
}

/// Checks `array` against the function argument type `type`.
static void checkInput(unsigned index, const NpyArray &array,
                       RankedTensorType type) {
  std::string expected = npyDescr(type.getElementType());
  if (array.descr != expected)
    fatal("input " + llvm::Twine(index) + ": dtype '" + array.descr +
          "' does not match " + typeString(type) + " (expected '" + expected +
          "')");
  bool matches = static_cast<int64_t>(array.shape.size()) == type.getRank();
  for (int64_t i = 0; matches && i < type.getRank(); ++i)
    matches = type.isDynamicDim(i) || type.getDimSize(i) == array.shape[i];
  if (!matches)
    fatal("input " + llvm::Twine(index) + ": shape " +
          shapeString(array.shape) + " does not match " + typeString(type));
}

/// Copies the memref behind `words` (a descriptor of `rank`) into an array.
static NpyArray readResult(const int64_t *words, int64_t rank,
                           RankedTensorType type) {
  NpyArray array;
  array.descr = npyDescr(type.getElementType());
  int64_t elementBytes = type.getElementTypeBitWidth() / 8;
  const char *base = reinterpret_cast<const char *>(words[1]);
  int64_t offset = words[2];
  array.shape.assign(words + 3, words + 3 + rank);
  llvm::ArrayRef<int64_t> strides(words + 3 + rank, rank);
  int64_t count = array.getNumElements();
  array.data.resize(count * elementBytes);
  std::vector<int64_t> index(rank, 0);
  for (int64_t n = 0; n < count; ++n) {
    int64_t position = offset;
    for (int64_t i = 0; i < rank; ++i)
      position += index[i] * strides[i];
    std::memcpy(array.data.data() + n * elementBytes,
                base + position * elementBytes, elementBytes);
    for (int64_t i = rank - 1; i >= 0; --i) {
      if (++index[i] < array.shape[i])
        break;
      index[i] = 0;
    }
  }
  return array;
}

/// The compiled code checks dynamic shapes with `cf.assert`, which aborts.
/// While it runs, an abort is reported as one line rather than a crash.
static void onFailedRunTimeCheck(int) {
  static const char message[] =
      "rms-run: error: a run-time check of the compiled code failed (a "
      "dynamic size does not match: e.g. the weight size differs from the "
      "row length)\n";
  ssize_t ignored = write(STDERR_FILENO, message, sizeof(message) - 1);
  (void)ignored;
  _exit(1);
}

/// Checks the dynamic sizes of the arrays that reach an `rms.norm` directly
/// as function arguments: the compiled code would stop on a failed run-time
/// check; this says which input is wrong instead.
static void checkNormShapes(func::FuncOp func,
                            const std::vector<NpyArray> &arrays) {
  auto argumentIndex = [&](Value v) -> std::optional<unsigned> {
    auto arg = dyn_cast<BlockArgument>(v);
    if (!arg || arg.getOwner() != &func.getBody().front())
      return std::nullopt;
    return arg.getArgNumber();
  };
  func.walk([&](rms::NormOp op) {
    std::optional<unsigned> input = argumentIndex(op.getInput());
    if (!input)
      return;
    const std::vector<int64_t> &shape = arrays[*input].shape;
    if (Value weight = op.getWeight())
      if (std::optional<unsigned> w = argumentIndex(weight))
        if (arrays[*w].shape != std::vector<int64_t>{shape.back()})
          fatal("input " + llvm::Twine(*w) + ": shape " +
                shapeString(arrays[*w].shape) +
                " is not the row length of input " + llvm::Twine(*input) +
                " (" + shapeString(shape) + ")");
    if (std::optional<unsigned> init = argumentIndex(op.getInit()))
      if (arrays[*init].shape != shape)
        fatal("input " + llvm::Twine(*init) + ": shape " +
              shapeString(arrays[*init].shape) +
              " is not the shape of input " + llvm::Twine(*input) + " (" +
              shapeString(shape) + ")");
  });
}

/// Compiles `module` with the SPIR-V pipeline and runs `name` on the first
/// (or `RMS_VULKAN_DEVICE`) Vulkan device.
static int runOnVulkan(ModuleOp module, StringRef name,
                       const std::vector<NpyArray> &arrays,
                       ArrayRef<RankedTensorType> resultTypes,
                       int64_t inputBytes) {
  auto runner = rms::VulkanRunner::create();
  if (!runner)
    fatal(toString(runner.takeError()));
  auto options = rms::SPIRVPipelineOptions::createFromString(pipelineOptions);
  if (!options)
    fatal("invalid --pipeline-options '" + pipelineOptions + "'");
  // Defaults for the device, where --pipeline-options does not set them.
  auto byDefault = [](auto &option, int64_t value) {
    if (!option.hasValue())
      option = value;
  };
  // f32 denormals (bf16 results below 2^-126, subnormal inputs): kernels
  // declare that they keep them where the device can be asked to; elsewhere
  // results that come out zero or NaN are computed again without them (an
  // H100 flushes them and cannot be asked), but on CPU devices, which keep
  // them (lavapipe).
  byDefault(options->preserveDenormals, (*runner)->preservesDenormals());
  if (options->preserveDenormals || (*runner)->isCPU())
    byDefault(options->denormalFixup, 0);
  int64_t subgroupSize = (*runner)->getSubgroupSize();
  if ((*runner)->isCPU()) {
    // Two subgroups per workgroup (16 invocations on lavapipe).
    byDefault(options->workgroupSize, std::max<int64_t>(2 * subgroupSize, 16));
    // A CPU device runs a workgroup on one thread and pays for starting
    // each: 32 short rows per workgroup instead of 8 (65536x64 f32 on
    // lavapipe: about 1.9 GB/s instead of 1.1).
    byDefault(options->rowsPerWorkgroup, 32);
    // Its registers are memory: holding a row costs more than reading it
    // twice (lavapipe, row-registers=64: 2048x4096 f32 about 2.3 GB/s
    // instead of 2.4-3.6, 1000x1023 1.2 instead of 1.5).
    byDefault(options->rowRegisters, 0);
    // It runs a subgroup as one thread's SIMD registers, where tiny rows are
    // cheapest one per invocation (65536x64 f32 on lavapipe: about 4-5.8
    // GB/s instead of 2.5; rows of 256 were slower).
    byDefault(options->invocationRowLimit, 64);
    // It converts f32 to f16 in emulation (lavapipe: about 30 instructions
    // per 8 lanes); the kernel's own integer rounding is cheaper (2048x4096
    // f16 on lavapipe: about 1.25x the elements per second).
    byDefault(options->integerF16Rounding, true);
  } else {
    // A GPU: what bench/gpu/sweep.py found best on an H100 (subgroups of 32;
    // GB/s, README), against the defaults before it (two subgroups per
    // workgroup, 16 units in registers, no `_lane` kernels, short rows up to
    // 1024). Eight subgroups per workgroup: 2048x4096 f32 2376 instead of
    // 1677, bf16 2256 instead of 1371.
    byDefault(options->workgroupSize,
              std::min<int64_t>(8 * std::max<int64_t>(subgroupSize, 8), 512));
    // Up to 8 units of a row in registers (a kernel for a static row length
    // holds what the row needs): 8192x8192 f32 2836 with 8 (2401 streamed),
    // 2048x4096 2376 with 4 (1592 with 16: registers cost occupancy).
    byDefault(options->rowRegisters, 8);
    // Rows of up to 256 elements shared by up to 32 lanes (as many as they
    // fill), the lanes reading neighbouring units: 65536x64 f32 2865 with 16
    // lanes (189 with one, 416-582 with a subgroup per row), 16384x128 2231
    // with 32 (1789-1796 with a subgroup per row), 8192x256 2176 (1928-1964).
    // The lanes of a row must divide the workgroup.
    int64_t lanes = std::min<int64_t>(32, subgroupSize);
    while (lanes > 1 && options->workgroupSize % lanes != 0)
      lanes /= 2;
    byDefault(options->rowLanes, lanes);
    byDefault(options->invocationRowLimit, 256);
    // Rows of 1023 were faster with a workgroup each than with a subgroup
    // each: 864-1057 against 381-645 (at 64-256 invocations).
    byDefault(options->shortRowLimit, 512);
    // Split rows in chunks of 4096 elements: 1x1048576 f32 1225 (1153 with
    // 8192, 728 with 32768; 48 without splitting).
    byDefault(options->splitChunk, 4096);
  }
  // A row of more than 65536 elements is split across workgroups, on any
  // device: one workgroup per row leaves the others idle (lavapipe, two
  // cores: 1x1048576 f32 3.2-6.5 GB/s instead of 1.9-3.5, noisy).
  byDefault(options->splitRowLimit, 65536);
  // The lanes of a row meet in subgroup shuffles.
  if (options->rowLanes > subgroupSize)
    fatal("--pipeline-options: row-lanes=" + llvm::Twine(options->rowLanes) +
          " exceeds the subgroup size of Vulkan device '" +
          (*runner)->getDeviceName() + "' (" + llvm::Twine(subgroupSize) + ")");
  // Only `name` and what it calls are compiled: the other functions of the
  // file may use what the GPU path does not support.
  for (auto other : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
    if (other.getSymName() != name &&
        SymbolTable::symbolKnownUseEmpty(other, module))
      other.erase();
  PassManager pm(module.getContext());
  rms::buildSPIRVPipeline(pm, *options);
  printPipelineIfAsked(pm);
  if (failed(pm.run(module)))
    fatal("compiling '" + inputFile + "' for vulkan failed");
  spirv::ModuleOp kernels;
  module.walk([&](spirv::ModuleOp op) { kernels = op; });
  auto func = module.lookupSymbol<func::FuncOp>(name);
  if (!kernels || !func)
    fatal("compiling '" + inputFile + "' for vulkan produced no kernels");

  auto run = (*runner)->run(func, kernels, arrays, benchmark);
  if (!run)
    fatal(toString(run.takeError()));
  int64_t bytesMoved = inputBytes;
  for (size_t i = 0; i < run->outputs.size(); ++i) {
    run->outputs[i].descr = npyDescr(resultTypes[i].getElementType());
    bytesMoved += run->outputs[i].data.size();
  }
  if (benchmark > 0)
    llvm::outs() << llvm::format(
        "%s: median %.3f us over %u runs, %.2f GB/s (%lld bytes moved, GPU "
        "time)\n",
        name.str().c_str(), run->medianSeconds * 1e6, (unsigned)benchmark,
        bytesMoved / run->medianSeconds / 1e9, (long long)bytesMoved);
  for (size_t i = 0; i < outputs.size(); ++i)
    if (llvm::Error e = rms::writeNpy(filePath("output", outputs[i]),
                                      run->outputs[i]))
      fatal("output " + llvm::Twine(i) + ": " + toString(std::move(e)));
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "rms runner\n");
  if (listDevices) {
    auto devices = rms::listVulkanDevices();
    if (!devices)
      fatal(toString(devices.takeError()));
    for (size_t i = 0; i < devices->size(); ++i)
      llvm::outs() << i << ": " << (*devices)[i] << "\n";
    return 0;
  }
  if (inputFile.empty() || functionName.empty())
    fatal("usage: rms-run FILE.mlir --function=NAME [--target=cpu|vulkan] "
          "--input=@x.npy ... [--output=@y.npy ...] [--benchmark=N]");
  if (target != "cpu" && target != "vulkan")
    fatal("unknown target '" + target + "' (expected cpu or vulkan)");

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
  rms::registerRmsDialect(registry);
  MLIRContext context(registry);
  // A compile error is one line (e.g. a bad --pipeline-options value), not
  // that line followed by the whole module.
  context.printOpOnDiagnostic(false);

  llvm::SourceMgr sourceMgr;
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(inputFile);
  if (!buffer)
    fatal("cannot read '" + inputFile + "': " + buffer.getError().message());
  sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    fatal("cannot parse '" + inputFile + "'");

  auto func = module->lookupSymbol<func::FuncOp>(functionName);
  if (!func || func.isExternal())
    fatal("no function '" + functionName + "' in '" + inputFile + "'");
  FunctionType type = func.getFunctionType();
  auto tensorTypeOf = [&](Type t, llvm::StringRef what, unsigned i) {
    auto tensor = dyn_cast<RankedTensorType>(t);
    if (!tensor || npyDescr(tensor.getElementType()).empty())
      fatal(what + " " + llvm::Twine(i) + " of '" + functionName + "' is '" +
            typeString(t) + "'" +
            "; only ranked tensors of f16, bf16, f32 or f64 are supported");
    return tensor;
  };
  std::vector<RankedTensorType> argTypes, resultTypes;
  for (unsigned i = 0; i < type.getNumInputs(); ++i)
    argTypes.push_back(tensorTypeOf(type.getInput(i), "argument", i));
  for (unsigned i = 0; i < type.getNumResults(); ++i)
    resultTypes.push_back(tensorTypeOf(type.getResult(i), "result", i));
  if (inputs.size() != type.getNumInputs())
    fatal("'" + functionName + "' takes " + llvm::Twine(type.getNumInputs()) +
          " arguments, but " + llvm::Twine(inputs.size()) +
          " --input were given");
  if (!outputs.empty() && outputs.size() != type.getNumResults())
    fatal("'" + functionName + "' returns " +
          llvm::Twine(type.getNumResults()) + " results, but " +
          llvm::Twine(outputs.size()) + " --output were given");

  // Read every input before compiling, so bad files fail fast.
  std::vector<NpyArray> arrays;
  std::vector<AlignedBuffer> buffers;
  std::vector<Descriptor> argDescriptors;
  int64_t bytesMoved = 0;
  for (unsigned i = 0; i < type.getNumInputs(); ++i) {
    llvm::Expected<NpyArray> array = rms::readNpy(filePath("input", inputs[i]));
    if (!array)
      fatal("input " + llvm::Twine(i) + ": " + toString(array.takeError()));
    checkInput(i, *array, argTypes[i]);
    buffers.emplace_back(array->data.size());
    std::memcpy(buffers.back().data, array->data.data(), array->data.size());
    argDescriptors.push_back(
        Descriptor::forBuffer(buffers.back().data, array->shape));
    bytesMoved += array->data.size();
    arrays.push_back(std::move(*array));
  }
  checkNormShapes(func, arrays);

  if (target == "vulkan")
    return runOnVulkan(*module, functionName, arrays, resultTypes, bytesMoved);

  // Compile.
  auto options = rms::CPUPipelineOptions::createFromString(pipelineOptions);
  if (!options)
    fatal("invalid --pipeline-options '" + pipelineOptions + "'");
  PassManager pm(&context);
  rms::buildCPUPipeline(pm, *options);
  printPipelineIfAsked(pm);
  if (failed(pm.run(*module)))
    fatal("compiling '" + inputFile + "' for the cpu failed");

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  auto tmBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!tmBuilder)
    fatal("cannot target the host: " + toString(tmBuilder.takeError()));
  tmBuilder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  auto tm = tmBuilder->createTargetMachine();
  if (!tm)
    fatal("cannot target the host: " + toString(tm.takeError()));
  ExecutionEngineOptions engineOptions;
  std::function<llvm::Error(llvm::Module *)> optimize =
      makeOptimizingTransformer(/*optLevel=*/3, /*sizeLevel=*/0, tm->get());
  engineOptions.transformer = optimize;
  engineOptions.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  llvm::SmallVector<llvm::StringRef> libs = {RMS_OPENMP_RUNTIME};
  engineOptions.sharedLibPaths = libs;
  auto engine = ExecutionEngine::create(*module, engineOptions, std::move(*tm));
  if (!engine)
    fatal("cannot JIT '" + inputFile + "': " + toString(engine.takeError()));
  (*engine)->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    auto flags = llvm::JITSymbolFlags::Exported;
    symbols[interner("malloc")] = {
        llvm::orc::ExecutorAddr::fromPtr(&rmsRunMalloc), flags};
    symbols[interner("free")] = {
        llvm::orc::ExecutorAddr::fromPtr(&rmsRunFree), flags};
    return symbols;
  });

  // The C interface takes the results first (one descriptor, or a struct of
  // descriptors for several), then one descriptor pointer per argument.
  std::vector<size_t> resultOffsets;
  size_t resultWords = 0;
  for (RankedTensorType t : resultTypes) {
    resultOffsets.push_back(resultWords);
    resultWords += 3 + 2 * t.getRank();
  }
  std::vector<int64_t> resultStorage(std::max<size_t>(resultWords, 1));
  std::vector<void *> descriptorPointers;
  if (!resultTypes.empty())
    descriptorPointers.push_back(resultStorage.data());
  for (Descriptor &d : argDescriptors)
    descriptorPointers.push_back(d.words.data());
  llvm::SmallVector<void *> packedArgs;
  for (void *&p : descriptorPointers)
    packedArgs.push_back(&p);

  std::string entry = "_mlir_ciface_" + functionName;
  std::signal(SIGABRT, onFailedRunTimeCheck);
  // Looked up once: a lookup per call (invokePacked) cost about 1 us, as
  // much as a 1x8192 f16 norm itself.
  llvm::Expected<void (*)(void **)> packed = (*engine)->lookupPacked(entry);
  if (!packed)
    fatal("cannot run '" + functionName + "': " +
          toString(packed.takeError()));
  auto invoke = [&]() { (*packed)(packedArgs.data()); };
  // Results are allocated by the compiled code (through BufferCache);
  // whatever is not one of our input buffers is ours to free.
  auto freeResults = [&]() {
    std::vector<void *> freed;
    for (size_t offset : resultOffsets) {
      void *allocated = reinterpret_cast<void *>(resultStorage[offset]);
      bool isInput = llvm::any_of(
          buffers, [&](const AlignedBuffer &b) { return b.data == allocated; });
      if (!isInput && !llvm::is_contained(freed, allocated)) {
        rmsRunFree(allocated);
        freed.push_back(allocated);
      }
    }
  };

  invoke();
  std::vector<NpyArray> results;
  for (size_t i = 0; i < resultTypes.size(); ++i) {
    results.push_back(readResult(resultStorage.data() + resultOffsets[i],
                                 resultTypes[i].getRank(), resultTypes[i]));
    bytesMoved += results.back().data.size();
  }
  freeResults();

  if (benchmark > 0) {
    invoke();
    freeResults();
    std::vector<double> seconds;
    for (unsigned i = 0; i < benchmark; ++i) {
      auto start = std::chrono::steady_clock::now();
      invoke();
      auto stop = std::chrono::steady_clock::now();
      freeResults();
      seconds.push_back(std::chrono::duration<double>(stop - start).count());
    }
    std::sort(seconds.begin(), seconds.end());
    double median = seconds[seconds.size() / 2];
    llvm::outs() << llvm::format(
        "%s: median %.3f us over %u runs, %.2f GB/s (%lld bytes moved)\n",
        functionName.c_str(), median * 1e6, (unsigned)benchmark,
        bytesMoved / median / 1e9, (long long)bytesMoved);
  }

  for (size_t i = 0; i < outputs.size(); ++i)
    if (llvm::Error e =
            rms::writeNpy(filePath("output", outputs[i]), results[i]))
      fatal("output " + llvm::Twine(i) + ": " + toString(std::move(e)));
  return 0;
}
