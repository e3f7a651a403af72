//===- CPUPipeline.cpp - the rms CPU pipeline -----------------------------===//
//
// Builds `--rms-cpu-pipeline`: tensor-level rms (and the upstream ops around
// it) down to the LLVM dialect. Read top to bottom, it is the whole story of
// how a norm becomes machine code on a CPU.
//
//===----------------------------------------------------------------------===//

#include "rms/Pipelines/Pipelines.h"
#include "rms/Conversion/Passes.h"
#include "rms/Dialect/Rms/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mlir::rms::buildCPUPipeline(OpPassManager &pm,
                                 const CPUPipelineOptions &options) {
  // 1. Tile on tensors. Each rms.norm becomes an scf.forall over tiles of
  //    whole rows; tiling before bufferization keeps the tiles as
  //    extract_slice/parallel_insert_slice pairs that bufferize in place.
  //    No more tiles than threads unless the default tiles are larger (the
  //    thread count known, asked of the OpenMP runtime, or one without
  //    threads), about eight per thread of inputs too large for the cache;
  //    on the module, which declares the runtime's function.
  RmsTileOptions tile;
  tile.tileRows = options.tileRows;
  tile.balanceBytes = options.balanceBytes;
  tile.threads = options.threads ? static_cast<int64_t>(options.numThreads) : 1;
  pm.addPass(createRmsTile(tile));
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());

  // 2. Bufferize the whole module, function boundaries included, with
  //    identity layouts so that the C interface sees plain row-major
  //    StridedMemRefType descriptors. rms.norm writes straight into the
  //    buffer of its `init` operand.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::buildBufferDeallocationPipeline(pm);
  // A function that returns a buffer it does not own (a result computed in
  // place into an argument) returns a copy: the deallocation pipeline says
  // so with bufferization.clone, which becomes an allocation and a copy.
  pm.addPass(createConvertBufferizationToMemRefPass());

  // Upstream linalg ops written around the norm become plain loops, and
  // public functions are marked for `_mlir_ciface_` wrappers, while the
  // module is small (before the norms become vector code).
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(rms::createRmsEmitCInterface());

  // 3. Vectorize each row tile (now memref rms.norm on subviews). This runs
  //    after bufferization so that the generated loops index buffers
  //    directly instead of threading tensors through loop-carried values.
  RmsVectorizeOptions vectorizeOptions;
  vectorizeOptions.vectorBits = options.vectorBits;
  vectorizeOptions.unroll = options.unroll;
  vectorizeOptions.block = options.block;
  vectorizeOptions.nontemporalBytes = options.nontemporalBytes;
  vectorizeOptions.splitBytes = options.splitBytes;
  // The thread count, for the order in which a split row's slices are
  // scaled: known, asked of the OpenMP runtime, or one without threads.
  vectorizeOptions.splitThreads =
      options.threads ? static_cast<int64_t>(options.numThreads) : 1;
  vectorizeOptions.fuseRows = options.fuseRows;
  vectorizeOptions.avx512BF16 = options.avx512BF16;
  pm.addPass(createRmsVectorize(vectorizeOptions));

  // 4. Threads: the tile loops become OpenMP parallel regions (a single
  //    tile runs on the calling thread), whose tiles the threads claim as
  //    they finish for inputs too large for the cache, and split by thread
  //    number otherwise; a split row's slices, OpenMP worksharing loops with
  //    a static schedule. The number of threads is left to the runtime
  //    (OMP_NUM_THREADS) unless given. Without threads they become plain
  //    loops and no OpenMP runtime is needed.
  if (options.threads) {
    RmsTilesToOpenMPOptions tilesToOpenMP;
    tilesToOpenMP.numThreads = options.numThreads;
    pm.addPass(rms::createRmsTilesToOpenMP(tilesToOpenMP));
    pm.addNestedPass<func::FuncOp>(createForallToParallelLoopPass());
    ConvertSCFToOpenMPPassOptions openmp;
    openmp.numThreads = options.numThreads;
    pm.addPass(createConvertSCFToOpenMPPass(openmp));
    // The alloca scopes around the parallel bodies hold no allocas; they
    // must go before control flow is lowered (see the pass description).
    pm.addPass(rms::createRmsInlineAllocaScopes());
  } else {
    pm.addNestedPass<func::FuncOp>(createForallToForLoopPass());
  }
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createCSEPass());

  // 5. Down to the LLVM dialect. Strided metadata is expanded before
  //    memrefs are lowered so that subview offsets become plain index
  //    arithmetic, per function (in parallel). Then every conversion to LLVM
  //    at once, affine maps and the casts between conversions included: the
  //    module is verified after every pass, and the 100-norm module took
  //    2.2 s on one thread with the nine upstream conversion passes here,
  //    1.5 s with one (and the steps moved before rms-vectorize).
  OpPassManager &inFunctions = pm.nest<func::FuncOp>();
  inFunctions.addPass(memref::createExpandStridedMetadataPass());
  inFunctions.addPass(createSCFToControlFlowPass());
  rms::ConvertToLLVMOptions toLLVM;
  // The one horizontal sum per row may be a tree rather than a chain.
  toLLVM.reassociateFPReductions = true;
  pm.addPass(rms::createConvertToLLVM(toLLVM));
  // Per function, so that functions are cleaned up in parallel.
  pm.addNestedPass<LLVM::LLVMFuncOp>(createCanonicalizerPass());
  // The vector widths and instructions were chosen for the host: the module
  // (its triple) and the functions (CPU, features) say so, and the LLVM IR
  // compiles to that code whatever the flags.
  if (options.hostTarget)
    pm.addPass(rms::createLLVMHostTarget());
}
