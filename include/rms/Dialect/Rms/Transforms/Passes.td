//===- Passes.td - rms dialect passes ----------------------*- tablegen -*-===//
//
// Declares the transformations of the `rms` dialect: decomposition into
// linalg, tiling into parallel row tiles, vectorization of a row tile, and the
// C-interface marking used by the CPU pipeline.
//
//===----------------------------------------------------------------------===//

#ifndef RMS_DIALECT_RMS_TRANSFORMS_PASSES_TD
#define RMS_DIALECT_RMS_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertRmsToLinalg : Pass<"convert-rms-to-linalg"> {
  let summary = "Decompose rms.norm on tensors into linalg.generic ops";
  let description = [{
    Rewrites every tensor `rms.norm` through its `AggregatedOpInterface`
    decomposition: a reduction computing the sum of squares per row in the
    accumulator type (f32, or f64 for f64 data), a per-row scale
    `1 / sqrt(sum / N + epsilon)`, and an elementwise product rounded to the
    element type once. This is the reference lowering that any linalg-based
    compiler can consume; `rms-vectorize` is the fast one.

    Before:

    ```mlir
    %y = rms.norm ins(%x, %w : tensor<2x8xf16>, tensor<8xf16>)
                  outs(%init : tensor<2x8xf16>) epsilon(1.0e-05)
                  -> tensor<2x8xf16>
    ```

    After (abridged):

    ```mlir
    %sumsq = linalg.generic {iterator_types = ["parallel", "reduction"]}
        ins(%x : tensor<2x8xf16>) outs(%zeros : tensor<2xf32>) { ... }
    %scale = linalg.generic {iterator_types = ["parallel"]}
        ins(%sumsq : tensor<2xf32>) outs(%empty : tensor<2xf32>) { ... }
    %y = linalg.generic {iterator_types = ["parallel", "parallel"]}
        ins(%x, %scale, %w : tensor<2x8xf16>, tensor<2xf32>, tensor<8xf16>)
        outs(%init : tensor<2x8xf16>) { ... }
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def RmsTile : Pass<"rms-tile"> {
  let summary = "Tile rms.norm into parallel tiles of whole rows";
  let description = [{
    Tiles every `rms.norm` through its `TilingInterface` into an
    `scf.forall` over tiles of `tile-rows` rows of the leading dimensions;
    the normalized (last) dimension is never split. Tensors are tiled with
    `extract_slice`/`parallel_insert_slice`, memrefs with subviews. Each
    iteration of the `scf.forall` is independent, so later passes can map it
    to threads (`scf-forall-to-parallel`, `convert-scf-to-openmp`).

    Only the innermost leading dimension is tiled by `tile-rows`; outer
    leading dimensions are tiled by 1.

    With a thread count (`threads` >= 0) and no `tile-rows`, tiles of 16-bit
    rows and of rows of 512 bytes or more hold at least rows / threads rows
    (an outer leading dimension of B counts as B tiles): each of their
    tiles sets up once (16-bit weights widened, the first row of fused rows
    summed alone, the fence after streaming stores), which fewer, larger
    tiles save where there are fewer threads than tiles of the default size
    (2048x4096 f16 and bf16: 4-6% faster at one and at two threads), down
    to tiles of 32K elements (where the row length is static): 16 rows of
    4096 make two tiles on two threads (16x4096 f32 and f16, 32x4096 bf16:
    11-54% faster). Shorter f32/f64 rows keep static tiles, and so do
    static row counts that one such tile holds. Static row counts that one
    default tile holds are split only where the run-time thread count
    splits them: an `scf.if` keeps the op whole otherwise. `threads=0` reads the OpenMP runtime's count at run
    time, before the loop, through the module's declaration of
    `omp_get_max_threads() -> i32` or one the pass adds when it runs on the
    module; where neither is possible (a pass on a function, or a symbol of
    that name that is not the runtime's), the op keeps the default tiles,
    with a warning.

    Static inputs of `balance-bytes` or more (by default twice the L2
    caches of the threads together: 8 MiB for two cores of 2 MiB), too
    large to stay in cache from one call to the next, get about eight
    tiles per thread instead of one, still of at least 32K elements, and
    the `scf.forall` is marked `rms.schedule = "dynamic"` (other tile loops
    "static", for `rms-tiles-to-openmp`): the threads claim them as they
    finish, so that a thread slowed down takes fewer (2048x4096 f16 at two
    threads: +10%, bf16 +6%, f32 +3% while the machine was busy, within 3%
    either way while it was quiet; 8192x8192 f32 0 to +6%). An input of a
    dynamic shape is measured at run time, its tile count an `arith.select`
    of the two, and its loop marked "dynamic" whatever its size: the
    threads claim tiles only where there are more tiles than threads
    (dynamic 2048x4096 f16: +6% at two threads). Smaller
    inputs keep one tile per thread and the static schedule, under which a
    thread finds its tile in its cache again on the next call (64x4096 f32
    at two threads: 15% slower dynamically scheduled; 1000x1023 f32, 4 MB:
    11% slower).

    Before:

    ```mlir
    %y = rms.norm ins(%x : tensor<64x4096xf32>) outs(%init : tensor<64x4096xf32>)
                  epsilon(1.0e-05) -> tensor<64x4096xf32>
    ```

    After (`tile-rows=8`, abridged):

    ```mlir
    %y = scf.forall (%i) = (0) to (64) step (8) shared_outs(%o = %init) {
      %xs = tensor.extract_slice %x[%i, 0] [8, 4096] [1, 1]
      %os = tensor.extract_slice %o[%i, 0] [8, 4096] [1, 1]
      %t = rms.norm ins(%xs : tensor<8x4096xf32>) outs(%os : tensor<8x4096xf32>) ...
      scf.forall.in_parallel {
        tensor.parallel_insert_slice %t into %o[%i, 0] [8, 4096] [1, 1]
      }
    }
    ```
  }];
  let options = [
    Option<"tileRows", "tile-rows", "int64_t", /*default=*/"0",
           "Rows per tile; 0 picks about 256 KiB of input per tile when the "
           "row length is static (up to 1 MiB for static inputs of more "
           "than 256 such tiles, keeping 256), 8 rows otherwise">,
    Option<"threads", "threads", "int64_t", /*default=*/"-1",
           "Threads the tiles will run on, for default tile sizes of rows "
           "with a per-tile set-up: no more tiles than threads unless the "
           "default tiles are larger, down to 32K elements per tile; 0 asks "
           "the OpenMP runtime at run time, -1 keeps the default sizes">,
    Option<"balanceBytes", "balance-bytes", "int64_t", /*default=*/"-1",
           "With a thread count, inputs of at least this many bytes (static, "
           "or measured at run time) whose tiles would follow the thread "
           "count get about 8 tiles per thread instead, in an scf.forall "
           "marked rms.schedule = "
           "\"dynamic\" (for rms-tiles-to-openmp); 0: never, -1: twice the L2 "
           "caches of the threads together (threads, else the host's "
           "cores)">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def RmsVectorize : Pass<"rms-vectorize"> {
  let summary = "Lower rms.norm on memrefs to vectorized loops";
  let description = [{
    Rewrites every memref `rms.norm` into `scf` loops over its rows with
    `vector` code for each row, in two sweeps (with `fuse-rows`, by default
    for bf16 and for streamed outputs of the other types, the scaling sweep of
    row r also sums the squares of row r + 1, so that the next row streams
    in from memory while the current one is re-read from cache):

    1. Sum of squares: `unroll` independent vector accumulators in the
       accumulator type (f32, or f64 for f64 data) take `vector.fma` of the
       widened elements. Every `block` iterations their sum is added into a
       compensated (Kahan) running sum, so rows of 2^20 elements and more
       stay within 1e-6 relative error. The tail of a row is read with a
       masked load. The lanes are combined once per row.
    2. Scaling: `y = trunc(ext(x) * scale * ext(w))` with
       `scale = 1 / sqrt(sum / N + epsilon)`, vectorized the same way, with
       a masked tail.

    f16 and bf16 are widened to f32 in registers and rounded once on store
    (bf16 with AVX512-BF16's `vcvtne2ps2bf16`, two vectors at a time, where
    `avx512-bf16` allows: it flushes results below 2^-126 to zero, so a
    pair holding such a result is rounded again with integer operations;
    else with integer operations throughout; exact either way). f16 rows of
    a static length whose f32 products and widened weights fit in three
    quarters of the L1 cache keep x * w in an f32 row, written by the sweep
    that sums the row and read by the one that scales it instead of
    widening x again: in fused sweeps, and in two sweeps for tiles of 8
    rows or more (an `scf.if` on a dynamic row count). The vector width follows the target (512 bits with AVX-512) unless
    `vector-bits` says otherwise. Operands whose innermost dimension is
    strided (never the case after bufferization with identity layouts) are
    copied into contiguous buffers first (`scf.for` loops of scalar loads
    and stores), and the output copied back.

    Dynamic shapes the verifier cannot compare are checked at run time with
    `cf.assert`: the weight must have the row length, the output the shape of
    the input.

    Rows of a static length shorter than 512 bytes, or 1 KiB for f16 and
    bf16 and for outputs that are not streamed (64 f32, 256 f16 or bf16:
    the heads of a QK-norm) are emitted whole instead: each row its
    vectors unrolled in full (the last one masked where needed), summed
    into two accumulators without blocks, in one loop whose iteration i
    sums row i and scales row i - 2 (with the scale it carries), so that
    the per-row sums, square roots and divisions of neighbouring rows
    overlap. A dynamic row length chooses at run time (`scf.if`) between
    the long-row code and such short rows, in loops over pairs of vectors
    up to the last whole pair, then two masked vectors, under 512 bytes
    (1 KiB for f16 and bf16). Short f32 and f64 rows of an output of at
    least `nontemporal-bytes` are streamed where every row starts on a
    cache line (checked at run time), their masked last vectors not.

    For memory bandwidth: outputs of at least `nontemporal-bytes` bytes (the
    size of the buffer a tile is a view of) in rows of at least 512 bytes
    are written with streaming (`nontemporal`) vector stores from a cache
    line of each row on (rows swept twice as four interleaved parts), then
    a fence (16-bit results as 32-bit words on x86, whose LLVM backend
    streams no f16/bf16 vectors); rows of a static
    length longer than `split-bytes` bytes are split into slices that
    are summed and scaled in parallel (`scf.forall`), the partial sums
    combined with Kahan summation, and each slice scaled backwards with
    streaming stores, so that it re-reads first what was read last and the
    output does not evict it. With `split-threads=0` the slices are shared
    by `omp_get_max_threads()` workers, called through the module's
    declaration, which the pass adds when it runs on the module; on a
    function with none declared, each slice is an iteration of its own
    (with a warning). Slices are at most 64 KiB, so that many threads each
    take a run of them (slices of `split-bytes` alone left a 4 MiB row to
    two threads of sixteen); their partial sums are added in order, so the
    result is the same whatever the thread count.

    On a module, the functions holding norms are rewritten in parallel.

    Before:

    ```mlir
    rms.norm ins(%x : memref<?x?xf32>) outs(%y : memref<?x?xf32>) epsilon(1.0e-05)
    ```

    After (abridged):

    ```mlir
    scf.for %r = %c0 to %rows step %c1 {
      %acc:4 = scf.for ... iter_args(...) -> (vector<16xf32>, ...) {
        %v = vector.load %x[%r, %j] : memref<?x?xf32>, vector<16xf32>
        %a = vector.fma %v, %v, %acc0 : vector<16xf32>
        ...
      }
      ...
      vector.store %out, %y[%r, %j] : memref<?x?xf32>, vector<16xf32>
    }
    ```
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"0",
           "Bits of one vector register, a power of two from 8 to 4096; 0 "
           "takes the host target's width (512 with AVX-512, 256 with AVX, "
           "128 otherwise)">,
    Option<"unroll", "unroll", "int64_t", /*default=*/"4",
           "Independent vector accumulators (and vectors per iteration), 1 "
           "to 64">,
    Option<"block", "block", "int64_t", /*default=*/"8",
           "Unrolled iterations summed before they are added to the "
           "compensated row sum (at least 1)">,
    Option<"nontemporalBytes", "nontemporal-bytes", "int64_t",
           /*default=*/"-1",
           "Outputs of at least this many bytes are written with streaming "
           "stores where a row starts vector-aligned; 0: never; -1: the size "
           "of the host's L2 cache">,
    Option<"splitBytes", "split-bytes", "int64_t", /*default=*/"-1",
           "Rows of a static length longer than this many bytes are split "
           "into slices of at most this size and 64 KiB that run in "
           "parallel; 0: never; -1: the host's L2 cache">,
    Option<"splitThreads", "split-threads", "int64_t", /*default=*/"-1",
           "Threads the slices of a split row run on: -1, one slice per "
           "scf.forall iteration; 0, the OpenMP runtime's count at run time "
           "(omp_get_max_threads); N > 0, N. With a count, each thread sums "
           "a run of slices, then scales them last summed first">,
    Option<"fuseRows", "fuse-rows", "int64_t", /*default=*/"-1",
           "Scale each row in the sweep that sums the squares of the next "
           "one: 1 always, 0 never (sum a row, then scale it), -1 for bf16, "
           "and for f16, f32 and f64 where the output is streamed (never a "
           "single row)">,
    Option<"avx512BF16", "avx512-bf16", "int64_t", /*default=*/"-1",
           "Narrow f32 results to bf16 two vectors at a time with "
           "AVX512-BF16's vcvtne2ps2bf16 (512-bit vectors; pairs holding "
           "an f32 subnormal rounded again with integer operations): 1 "
           "yes, 0 no (integer rounding per vector), -1 where the host has "
           "AVX512-BF16">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::cf::ControlFlowDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def RmsTilesToOpenMP : Pass<"rms-tiles-to-openmp", "::mlir::ModuleOp"> {
  let summary = "Lower the row tiles rms-tile marks to OpenMP parallel "
                "regions";
  let description = [{
    `rms-tile` marks its (bufferized) `scf.forall` over row tiles
    `rms.schedule = "static"`, or `"dynamic"` for the tiles of norms too
    large for the caches, which it cuts into about eight tiles per thread.
    This pass lowers each marked loop to an `omp.parallel` region where
    there are several tiles, of no more threads than tiles (a thread that
    would find none is not woken, and the region's barrier does not wait
    for it); a single tile runs on the calling thread without OpenMP. Where the tile count is known at run time only (a
    dynamic shape, or a count that follows the number of threads), an
    `scf.if` chooses, and the tile's body is outlined into a private
    function (internal linkage in LLVM) that both ways call, so that it is
    emitted once. A region with an `if` clause instead, which the runtime
    serializes, cost 0.2-0.4 us a call more (libomp makes a team of one and
    frees it): a one-row norm of a dynamic shape, 1x4096 f16, takes about
    0.8 us without it.

    Static: thread t of T runs the tiles [t * q + min(t, r), ...), q + 1 of
    them if t < r, else q (q = tiles / T, r = tiles % T), the split of
    OpenMP's static schedule, found from `omp_get_thread_num()` and
    `omp_get_num_threads()` (which the pass declares). An `omp.wsloop`
    would call `__kmpc_for_static_init`, which in Debian's libomp formats a
    trace message each time: about 0.5 us a region, as much as a small norm.

    Dynamic: where there are more tiles than threads (decided at run time),
    a thread claims the next tile when it is done with one, by an atomic
    increment of a count of the tiles claimed that the threads share (a
    `memref.alloca` in an alloca scope of its own), so that a thread slowed
    down (by another process, a slower core, its memory) takes fewer tiles
    instead of holding up the rest (2048x4096 f16 at two threads: +10%,
    bf16 +6%, f32 +3% while the machine was busy, within 3% either way
    while it was quiet); with no more tiles than threads, each keeps its
    share, as static tiles do. (An `omp.wsloop` with `schedule(dynamic)`,
    which `convert-scf-to-openmp` cannot express, measured the same, and
    cannot fall back to the share at run time.)

    Unmarked loops (a split row's slices among them, which must go to the
    same threads in both of their loops) are left to
    `convert-scf-to-openmp`.

    Before:

    ```mlir
    scf.forall (%i) = (0) to (%rows) step (%step) {
      ...
    } {rms.schedule = "static"}
    ```

    After (abridged):

    ```mlir
    func.func private @f_tile(%i: index, ...)
        attributes {llvm.linkage = #llvm.linkage<internal>} {
      ...
    }
    func.func @f(...) {
      %tiles = arith.ceildivui %rows, %step : index
      %several = arith.cmpi ugt, %tiles, %c1 : index
      scf.if %several {
        %max = llvm.call @omp_get_max_threads() : () -> i32
        ...
        omp.parallel num_threads(%team : i32) {
          %t = llvm.call @omp_get_thread_num() : () -> i32
          %n = llvm.call @omp_get_num_threads() : () -> i32
          ...
          scf.while (%k0 = %begin) : (index) -> index {
            %in = arith.cmpi ult, %k0, %end : index
            scf.condition(%in) %k0 : index
          } do {
          ^bb0(%k: index):
            %i = arith.muli %k, %step : index
            func.call @f_tile(%i, ...) : (index, ...) -> ()
            %next = arith.addi %k, %c1 : index
            scf.yield %next : index
          }
          omp.terminator
        }
      } else {
        scf.for %k = %c0 to %tiles step %c1 {
          %i = arith.muli %k, %step : index
          func.call @f_tile(%i, ...) : (index, ...) -> ()
        }
      }
    }
    ```

    With a tile count known before, the body stays in the region, each
    tile in a `memref.alloca_scope`.
  }];
  let options = [
    Option<"numThreads", "num-threads", "unsigned", /*default=*/"0",
           "Threads of the parallel regions (0: the OpenMP runtime's "
           "choice), as convert-scf-to-openmp's option">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::omp::OpenMPDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def RmsInlineAllocaScopes : Pass<"rms-inline-alloca-scopes"> {
  let summary = "Inline memref.alloca_scope ops that hold no alloca";
  let description = [{
    `convert-scf-to-openmp` wraps every parallel loop body in a
    `memref.alloca_scope`. The upstream canonicalization inlines such a scope
    only when nothing inside may allocate on the stack, and it counts every
    op without memory-effect information as such, the `llvm.fence` that
    follows streaming stores among them. A scope left in place must stay a
    single block, which breaks `convert-scf-to-cf`. This pass inlines every
    scope that holds no `memref.alloca` outside a nested allocation scope.

    Before:

    ```mlir
    memref.alloca_scope {
      scf.for %i = %lb to %ub step %c1 { ... }
      llvm.fence seq_cst
    }
    ```

    After:

    ```mlir
    scf.for %i = %lb to %ub step %c1 { ... }
    llvm.fence seq_cst
    ```
  }];
}

def RmsEmitCInterface : Pass<"rms-emit-c-interface", "::mlir::ModuleOp"> {
  let summary = "Give every public function the C interface";
  let description = [{
    Marks every public `func.func` with `llvm.emit_c_interface`, so that
    `convert-func-to-llvm` emits a `_mlir_ciface_<name>` wrapper taking
    pointers to `StridedMemRefType` descriptors (a returned memref comes
    first, as a pointer to the descriptor to fill).
  }];
}

#endif // RMS_DIALECT_RMS_TRANSFORMS_PASSES_TD
