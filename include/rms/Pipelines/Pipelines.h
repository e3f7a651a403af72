//===- Pipelines.h - rms compilation pipelines ------------------*- C++ -*-===//
//
// Declares the named pipelines of rms (`rms-cpu-pipeline`, ...), each built by
// one function that lists its passes in order, so that other compilers can
// add the same passes to their own pass managers.
//
//===----------------------------------------------------------------------===//

#ifndef RMS_PIPELINES_PIPELINES_H
#define RMS_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class DialectRegistry;
class OpPassManager;

namespace rms {

/// Options of `--rms-cpu-pipeline`.
struct CPUPipelineOptions : public PassPipelineOptions<CPUPipelineOptions> {
  PassOptions::Option<int64_t> tileRows{
      *this, "tile-rows",
      llvm::cl::desc("Rows per parallel tile (0: about 256 KiB of input, up "
                     "to 1 MiB for inputs of more than 256 such tiles, and "
                     "for 16-bit rows or rows of 512 bytes or more no more "
                     "tiles than threads, of at least 32K elements)"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> balanceBytes{
      *this, "balance-bytes",
      llvm::cl::desc("Inputs of at least this many bytes (static, or "
                     "measured at run time) whose tiles follow the thread "
                     "count get about 8 tiles per thread, which the threads "
                     "claim as they finish; 0: never, -1: twice the L2 "
                     "caches of the threads together (num-threads, else the "
                     "host's cores)"),
      llvm::cl::init(-1)};
  PassOptions::Option<int64_t> vectorBits{
      *this, "vector-bits",
      llvm::cl::desc("Vector register width in bits (0: the host's)"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> unroll{
      *this, "unroll",
      llvm::cl::desc("Independent vector accumulators per row"),
      llvm::cl::init(4)};
  PassOptions::Option<int64_t> block{
      *this, "block",
      llvm::cl::desc("Unrolled iterations per compensated partial sum"),
      llvm::cl::init(8)};
  PassOptions::Option<int64_t> nontemporalBytes{
      *this, "nontemporal-bytes",
      llvm::cl::desc("Outputs of at least this many bytes use streaming "
                     "stores (0: never, -1: the host's L2 cache size)"),
      llvm::cl::init(-1)};
  PassOptions::Option<int64_t> splitBytes{
      *this, "split-bytes",
      llvm::cl::desc("Static rows longer than this many bytes are split "
                     "across threads (0: never, -1: the host's L2 cache)"),
      llvm::cl::init(-1)};
  PassOptions::Option<int64_t> fuseRows{
      *this, "fuse-rows",
      llvm::cl::desc("Scale each row in the sweep that sums the squares of "
                     "the next one: 1 always, 0 never, -1 for bf16, and "
                     "for f16/f32/f64 outputs that are streamed (never a "
                     "single row)"),
      llvm::cl::init(-1)};
  PassOptions::Option<int64_t> avx512BF16{
      *this, "avx512-bf16",
      llvm::cl::desc("Narrow f32 to bf16 two vectors at a time with "
                     "vcvtne2ps2bf16: 1 yes, 0 no, -1 where the host has "
                     "AVX512-BF16"),
      llvm::cl::init(-1)};
  PassOptions::Option<bool> threads{
      *this, "threads",
      llvm::cl::desc("Run row tiles and row slices on OpenMP threads; with "
                     "false the code runs on the calling thread and needs no "
                     "OpenMP runtime"),
      llvm::cl::init(true)};
  PassOptions::Option<unsigned> numThreads{
      *this, "num-threads",
      llvm::cl::desc("OpenMP threads (0: the runtime's choice, which "
                     "follows OMP_NUM_THREADS)"),
      llvm::cl::init(0)};
  PassOptions::Option<bool> hostTarget{
      *this, "host-target",
      llvm::cl::desc("Mark the module with the host triple and every "
                     "function with the host CPU and features the code was "
                     "made for (target-cpu, target-features in LLVM IR), so "
                     "that it compiles alike under any llc or clang flags"),
      llvm::cl::init(true)};
};

/// Builds the CPU pipeline: rms and the upstream tensor/linalg/arith/func ops
/// around it, tiled, bufferized, vectorized and lowered to the LLVM dialect.
void buildCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options);

/// Options of the GPU pipelines, which differ in their defaults: what suits
/// lavapipe and desktop GPUs (`--rms-spirv-pipeline`) and Apple GPUs
/// (`--rms-metal-pipeline`, 32-wide simdgroups).
template <typename Derived, int64_t kWorkgroupSize>
struct GPUPipelineOptions : public PassPipelineOptions<Derived> {
  mlir::detail::PassOptions::Option<int64_t> workgroupSize{
      *this, "workgroup-size",
      llvm::cl::desc("Invocations per workgroup"),
      llvm::cl::init(kWorkgroupSize)};
  mlir::detail::PassOptions::Option<int64_t> rowsPerWorkgroup{
      *this, "rows-per-workgroup",
      llvm::cl::desc("Rows a workgroup normalizes when they are short, one "
                     "per subgroup at a time (1: a workgroup per row)"),
      llvm::cl::init(8)};
  mlir::detail::PassOptions::Option<int64_t> shortRowLimit{
      *this, "short-row-limit",
      llvm::cl::desc("The longest row that is short"), llvm::cl::init(1024)};
  mlir::detail::PassOptions::Option<int64_t> invocationRowLimit{
      *this, "invocation-row-limit",
      llvm::cl::desc("Rows of at most this many elements (and 64 units) are "
                     "normalized one per invocation, held in registers (0: "
                     "never)"),
      llvm::cl::init(0)};
  mlir::detail::PassOptions::Option<int64_t> rowLanes{
      *this, "row-lanes",
      llvm::cl::desc("Invocations sharing a row of the `_lane` kernels (a "
                     "power of two no larger than the device's subgroup "
                     "size)"),
      llvm::cl::init(1)};
  mlir::detail::PassOptions::Option<int64_t> splitRowLimit{
      *this, "split-row-limit",
      llvm::cl::desc("Rows longer than this many elements are split across "
                     "workgroups (0: never; Vulkan only)"),
      llvm::cl::init(0)};
  mlir::detail::PassOptions::Option<int64_t> splitChunk{
      *this, "split-chunk",
      llvm::cl::desc("Elements per workgroup of a split row"),
      llvm::cl::init(8192)};
  mlir::detail::PassOptions::Option<int64_t> rowRegisters{
      *this, "row-registers",
      llvm::cl::desc("Units of a row each invocation keeps in registers: "
                     "rows that fit are read from memory once (0: never)"),
      llvm::cl::init(16)};
  mlir::detail::PassOptions::Option<bool> packHalves{
      *this, "pack-halves",
      llvm::cl::desc("Vectors of four f16 or bf16 travel as two 32-bit "
                     "words (Vulkan only)"),
      llvm::cl::init(true)};
  mlir::detail::PassOptions::Option<bool> integerF16Rounding{
      *this, "integer-f16-rounding",
      llvm::cl::desc("Round results to f16 with integer operations instead "
                     "of the conversion instruction (for CPU devices)"),
      llvm::cl::init(false)};
  mlir::detail::PassOptions::Option<int64_t> denormalFixup{
      *this, "denormal-fixup",
      llvm::cl::desc("f32/bf16 results that come out zero or NaN are "
                     "computed again without f32 denormals (exact on devices "
                     "that flush them); 0: never, 2: every result"),
      llvm::cl::init(1)};
  mlir::detail::PassOptions::Option<int64_t> vectorWidth{
      *this, "vector-width",
      llvm::cl::desc("Elements per load and store (1, 2 or 4) in rows whose "
                     "length it divides"),
      llvm::cl::init(4)};
};

/// Options of `--rms-spirv-pipeline`.
struct SPIRVPipelineOptions
    : public GPUPipelineOptions<SPIRVPipelineOptions, 64> {
  PassOptions::Option<bool> preserveDenormals{
      *this, "preserve-denormals",
      llvm::cl::desc("Kernels declare that they keep f32 denormals "
                     "(DenormPreserve; needs SPV_KHR_float_controls and a "
                     "device with shaderDenormPreserveFloat32): bf16 results "
                     "below 2^-126 stay exact on GPUs that flush otherwise"),
      llvm::cl::init(false)};
};

/// Builds the SPIR-V pipeline: rms and the tensor code around it down to
/// SPIR-V kernels in one spirv.module plus the host code that dispatches them.
void buildSPIRVPipeline(OpPassManager &pm, const SPIRVPipelineOptions &options);

/// Options of `--rms-metal-pipeline`.
struct MetalPipelineOptions
    : public GPUPipelineOptions<MetalPipelineOptions, 256> {};

/// The kernels of `buildSPIRVPipeline` for Metal (no f64), for
/// `rms-translate --mlir-to-msl`.
void buildMetalPipeline(OpPassManager &pm, const MetalPipelineOptions &options);

/// Registers all named pipelines of rms with the pass registry.
void registerPipelines();

/// Registers the rms dialect in `registry` with the external models its op
/// needs beyond it (bufferization): what a tool, plugin or C API that loads
/// rms adds to its registry, besides the upstream dialects it wants.
void registerRmsDialect(DialectRegistry &registry);

/// Registers every pass of rms (`rms-tile`, `rms-vectorize`, the
/// conversions, ...) and its named pipelines with the pass registry.
void registerRmsPassesAndPipelines();

} // namespace rms
} // namespace mlir

#endif // RMS_PIPELINES_PIPELINES_H
