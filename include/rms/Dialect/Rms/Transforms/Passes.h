//===- Passes.h - rms dialect passes ----------------------------*- C++ -*-===//
//
// Declares the passes of the `rms` dialect and the pattern sets behind them,
// so that other compilers can reuse the patterns without the passes.
//
//===----------------------------------------------------------------------===//

#ifndef RMS_DIALECT_RMS_TRANSFORMS_PASSES_H
#define RMS_DIALECT_RMS_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class DialectRegistry;
class RewritePatternSet;
class RewriterBase;

namespace rms {

#define GEN_PASS_DECL
#include "rms/Dialect/Rms/Transforms/Passes.h.inc"

/// The attribute with which `rms-tile` marks its `scf.forall` over row
/// tiles for `rms-tiles-to-openmp`: "static" (each thread a fixed share) or
/// "dynamic" (the threads claim tiles as they finish).
constexpr llvm::StringLiteral kScheduleAttrName = "rms.schedule";

/// Rows shorter than this many bytes are never written with streaming stores
/// by `rms-vectorize`; f32 and f64 rows that short are not fused either, so
/// their tiles have no set-up for `rms-tile` to save with fewer tiles.
constexpr int64_t kMinStreamedRowBytes = 512;

/// Adds the pattern that decomposes tensor `rms.norm` into linalg ops.
void populateRmsToLinalgPatterns(RewritePatternSet &patterns);

/// How `rms-vectorize` shapes the code of one row. Negative or zero sizes
/// marked "auto" are taken from the host by `resolvedForHost`.
struct VectorizeOptions {
  /// Bits of one vector register; 0: the host target's width.
  int64_t vectorBits = 0;
  /// Independent accumulators, and vectors processed per loop iteration.
  int64_t unroll = 4;
  /// Unrolled iterations summed before entering the compensated row sum.
  int64_t block = 8;
  /// Outputs of at least this many bytes are written with streaming
  /// (non-temporal) stores where aligned; 0: never; -1: the size of the
  /// host's L2 cache.
  int64_t nontemporalBytes = -1;
  /// Rows of a static length longer than this many bytes are split into
  /// slices of at most this size and 64 KiB that run in parallel; 0: never;
  /// -1: the host's L2 cache.
  int64_t splitBytes = -1;
  /// Threads the slices of a split row run on: -1, one slice per parallel
  /// iteration (however the `scf.forall` is lowered); 0, the OpenMP
  /// runtime's count at run time (`omp_get_max_threads`); N > 0, N. With a
  /// count, each thread sums a run of slices and scales them back last
  /// summed first, while they are still in its cache.
  int64_t splitThreads = -1;
  /// Scale each row in the sweep that sums the next one: 1 always, 0 never,
  /// -1 for 16-bit element types, and for 32/64-bit ones where the output
  /// is streamed.
  int64_t fuseRows = -1;
  /// Narrow f32 to bf16 two vectors at a time with AVX512-BF16's
  /// `vcvtne2ps2bf16` (512-bit vectors): 1 yes, 0 no (`arith.truncf` per
  /// vector), -1 where the host has AVX512-BF16.
  int64_t avx512BF16 = -1;
  /// These options with every "auto" value replaced by the host's.
  VectorizeOptions resolvedForHost() const;
};

/// The size in bytes of the host's data cache of `level`, or of its largest
/// cache for level 0; 0 if unknown.
int64_t getHostCacheBytes(int level);

/// The vector register width of the host, in bits (512 with AVX-512).
int64_t getHostVectorBits();

/// Lowers the bufferized `forall` (no shared outputs) to an OpenMP parallel
/// region on `numThreads` threads (0: the runtime's choice) where it has
/// several iterations, and to a loop on the calling thread where it has
/// one: the iterations split into a contiguous share per thread number, or,
/// where `dynamic` and there are more iterations than threads, claimed by
/// the threads as they finish (an atomic count of the iterations claimed).
/// Where the count is known at run time only, an `scf.if` chooses, and the
/// body becomes a private function of the module (internal in LLVM) that
/// both call; otherwise each iteration runs in an alloca scope. What
/// `rms-tiles-to-openmp` does to the loops `rms-tile` marks. Fails with an
/// error on `forall`, which stays (after the ops that count its
/// iterations), where `omp_get_thread_num`/`omp_get_num_threads` cannot be
/// declared, or where the body is to be outlined and `forall` is in no
/// function.
LogicalResult lowerTilesToOpenMP(RewriterBase &rewriter, scf::ForallOp forall,
                                 bool dynamic, unsigned numThreads);

/// Adds the pattern that lowers memref `rms.norm` to vectorized loops.
void populateRmsVectorizePatterns(RewritePatternSet &patterns,
                                  const VectorizeOptions &options);

/// Registers the bufferization model of `rms.norm`.
void registerBufferizableOpInterfaceExternalModels(DialectRegistry &registry);

#define GEN_PASS_REGISTRATION
#include "rms/Dialect/Rms/Transforms/Passes.h.inc"

} // namespace rms
} // namespace mlir

#endif // RMS_DIALECT_RMS_TRANSFORMS_PASSES_H
