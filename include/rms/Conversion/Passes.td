//===- Passes.td - rms conversion passes -------------------*- tablegen -*-===//
//
// Declares the conversions out of the `rms` dialect into other dialects.
//
//===----------------------------------------------------------------------===//

#ifndef RMS_CONVERSION_PASSES_TD
#define RMS_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertRmsToGPU : Pass<"convert-rms-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Lower rms.norm on memrefs to GPU kernels and their launches";
  let description = [{
    Rewrites every memref `rms.norm` into a `gpu.launch_func` of kernels in
    `gpu.module @rms_kernels`, chosen by the row length n: at compile time
    when it is static, by `scf.if` on the host otherwise. Per variant
    (element type, weight presence, epsilon) there are kernels that load
    and store `vector-width` elements at once, for rows whose length that
    width divides (every row then starts on a vector boundary), and scalar
    ones for the other lengths; and for each, one kernel per row path, so
    that a kernel holds only the code its rows run:

    - `_lane`, tiny rows (n <= `invocation-row-limit`, 0 by default, and
      at most 64 units per invocation): a row per `row-lanes` invocations
      of a subgroup, `workgroup-size / row-lanes` rows per workgroup, held
      in registers; with more than one lane per row their sums meet in a
      butterfly of `gpu.shuffle xor` (one lane per row suits CPU devices,
      where a subgroup is one thread's SIMD registers; a few lanes suit
      GPUs, whose neighbouring lanes then read neighbouring units).
    - `_rows`, short rows (n <= `short-row-limit`): a workgroup takes
      `rows-per-workgroup` rows, each subgroup normalizing whole rows in
      turn with one `gpu.subgroup_reduce` (no workgroup memory, no
      barrier), keeping the row in registers when it fits
      `row-registers` units per lane.
    - `_reg`, long rows of at most `workgroup-size * row-registers` units:
      a workgroup per row, each invocation loading its units once into
      registers.
    - `_row`, other long rows: a workgroup per row, its invocations
      striding over the row accumulating blocked partial sums of squares,
      four units per loop iteration (lavapipe caps an invocation at 65535
      loop iterations), then striding again to scale it.

    - `_part` and `_split`, rows longer than `split-row-limit` (0, never,
      by default; Vulkan only): chunks of `split-chunk` elements, a
      workgroup per chunk; `_part` writes each chunk's sum of squares to a
      buffer of partial sums (allocated by the host, one per chunk), then
      `_split` adds its row's partial sums and scales its chunk.

    For Vulkan, when n is static, the `_lane` kernel's rows take only the
    lanes they fill (a power of two up to `row-lanes`) and the units they
    need (`_lane_<lanes>x<units>`), and the `_reg` kernel's invocations the
    units the row needs (`_reg_<units>`).

    On the long-row paths each subgroup adds its partials, its first lane
    publishes the sum in workgroup memory, the workgroup meets at one
    barrier, and every invocation adds the subgroups' sums in the same
    order (the same scale, for any subgroup size, read at run time). Sums
    are in f32 (f64 for f64 data). Loops that may run no iteration and
    carry values are guarded: the SPIR-V lowering of scf.for leaves their
    results undefined otherwise. Grids beyond 65535 workgroups use the
    second dimension.

    Buffers travel flattened to one dimension (descriptor set 0, binding i
    for argument i); the row count and the row length travel as 32-bit
    scalars in uniform buffers, so one kernel serves every shape. For
    Vulkan, vectors of four f16 or bf16 travel as pairs of 32-bit words
    (`vector<2xi32>`, `vector.bitcast` in the kernel), which halves the
    memory operations of lavapipe. Each kernel records `rms.path`,
    `rms.rows_per_workgroup`, `rms.short_row_limit` and
    `rms.register_row_limit` for hosts that read the kernels alone (the
    Metal manifest).

    The kernel module carries a `spirv.target_env` for Vulkan 1.1 (SPIR-V
    1.3) allowing 16-bit storage, f16 and f64; `spirv-update-vce` later
    trims it to what a kernel uses. bf16 kernels take the data as
    `memref<?xi16>` (SPIR-V has no bf16), and vectorized kernels as
    `memref<?xvector<4xT>>` or `memref<?xvector<2xi32>>`; the host marks
    these reinterpretations with `builtin.unrealized_conversion_cast` (same
    buffer). Operands need identity layouts.

    Before:

    ```mlir
    rms.norm ins(%x, %w : memref<?x4096xf16>, memref<4096xf16>)
             outs(%y : memref<?x4096xf16>) epsilon(1.0e-05)
    ```

    After (abridged):

    ```mlir
    %xf = memref.collapse_shape %x [[0, 1]] : memref<?x4096xf16> into memref<?xf16>
    %xv = builtin.unrealized_conversion_cast %xf : memref<?xf16> to memref<?xvector<2xi32>>
    gpu.launch_func @rms_kernels::@rms_norm_f16_w_v4_reg_eps0x3727c5ac
        blocks in (%gx, %gy, %c1) threads in (%c64, %c1, %c1)
        args(%xv : memref<?xvector<2xi32>>, %wv : ..., %yv : ...,
             %rows : index, %n : index)
    ```
  }];
  let options = [
    Option<"workgroupSize", "workgroup-size", "int64_t", /*default=*/"64",
           "Invocations per workgroup">,
    Option<"rowsPerWorkgroup", "rows-per-workgroup", "int64_t",
           /*default=*/"8",
           "Rows a workgroup normalizes when they are short (one per "
           "subgroup at a time); 1: a workgroup per row for every length">,
    Option<"shortRowLimit", "short-row-limit", "int64_t", /*default=*/"1024",
           "The longest row that is short">,
    Option<"invocationRowLimit", "invocation-row-limit", "int64_t",
           /*default=*/"0",
           "Rows of at most this many elements (and 64 units) are "
           "normalized one per invocation, held in registers (0: never; "
           "for CPU devices, where a subgroup is one thread's SIMD "
           "registers)">,
    Option<"rowLanes", "row-lanes", "int64_t", /*default=*/"1",
           "Invocations sharing a row of the `_lane` kernels: a power of two "
           "no larger than the device's subgroup size">,
    Option<"splitRowLimit", "split-row-limit", "int64_t", /*default=*/"0",
           "Rows longer than this many elements are split across workgroups, "
           "`split-chunk` elements each, summed and scaled by two kernels "
           "(0: never; Vulkan only)">,
    Option<"splitChunk", "split-chunk", "int64_t", /*default=*/"8192",
           "Elements per workgroup of a split row">,
    Option<"rowRegisters", "row-registers", "int64_t", /*default=*/"16",
           "Units (of vector-width elements) of a row each invocation keeps "
           "in registers: rows that fit are read from memory once (0: "
           "every row is read twice)">,
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"4",
           "Elements per load and store (1, 2 or 4) in rows whose length it "
           "divides; other rows take a scalar kernel">,
    Option<"packHalves", "pack-halves", "bool", /*default=*/"true",
           "For Vulkan, vectors of four f16 or bf16 travel as two 32-bit "
           "words (lavapipe loads a vector one component at a time); Metal "
           "never packs them">,
    Option<"integerF16Rounding", "integer-f16-rounding", "bool",
           /*default=*/"false",
           "Round f32 results to f16 with integer operations (to nearest "
           "even, as exact as the conversion) instead of the conversion "
           "instruction: for CPU devices, which emulate the conversion at "
           "greater cost">,
    Option<"denormalFixup", "denormal-fixup", "int64_t", /*default=*/"1",
           "For f32 and bf16 data, results that come out zero or NaN are "
           "computed again with their exponents in integers, which keeps "
           "f32 denormals (bf16 results below 2^-126, subnormal inputs) "
           "exact on devices that flush them, as GPUs do; 0: never (for "
           "devices that keep denormals), 2: every result (to test the "
           "path where denormals are kept)">,
    Option<"target", "target", "std::string", /*default=*/"\"vulkan\"",
           "The API the kernels are for: `vulkan`, or `metal` (through "
           "SPIR-V to MSL: no f64, as Metal has no double)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::spirv::SPIRVDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def SPIRVPreserveDenormals
    : Pass<"rms-spirv-preserve-denormals", "::mlir::spirv::ModuleOp"> {
  let summary = "Require the kernels to keep f32 denormals (DenormPreserve)";
  let description = [{
    Adds `spirv.ExecutionMode @kernel "DenormPreserve", 32` to every entry
    point of the module. Vulkan leaves the treatment of f32 denormals to the
    device unless a kernel declares it, and GPUs flush them: on an H100 a
    bf16 result below 2^-126 (a denormal in f32, where rms.norm computes
    before it rounds once) and a bf16 subnormal input came out as zero. With
    the mode, they stay exact on devices that report
    `shaderDenormPreserveFloat32` (`rms-run` sets `preserve-denormals` for
    them); elsewhere the driver may refuse the kernels. The kernels then
    need the `DenormPreserve` capability and SPIR-V 1.4 or the
    `SPV_KHR_float_controls` extension, which the module's target
    environment must allow (convert-rms-to-gpu's does). Run it after
    `spirv-lower-abi-attrs` (which creates the entry points) and before
    `spirv-update-vce`.

    After:

    ```mlir
    spirv.EntryPoint "GLCompute" @rms_norm_bf16_w_v4_reg_8_eps0x3727c5ac, ...
    spirv.ExecutionMode @rms_norm_bf16_w_v4_reg_8_eps0x3727c5ac "LocalSize", 256, 1, 1
    spirv.ExecutionMode @rms_norm_bf16_w_v4_reg_8_eps0x3727c5ac "DenormPreserve", 32
    ```
  }];
}

def ConvertToLLVM : Pass<"rms-convert-to-llvm", "::mlir::ModuleOp"> {
  let summary = "Lower affine, vector, memref, arith, math, index, ub, cf, "
                "func and omp to the LLVM dialect in one pass";
  let description = [{
    The last step of the CPU pipeline, once control flow is `cf` (after
    `expand-strided-metadata` and `convert-scf-to-cf`): the patterns of
    `lower-affine`, `convert-vector-to-llvm`, `finalize-memref-to-llvm`,
    `convert-arith-to-llvm`, `convert-math-to-llvm`,
    `convert-index-to-llvm`, `convert-ub-to-llvm`, `convert-cf-to-llvm`
    (`cf.assert` aborts), `convert-func-to-llvm` (functions marked
    `llvm.emit_c_interface` get their `_mlir_ciface_` wrappers) and
    `convert-openmp-to-llvm`, with one type converter that follows the
    module's data layout. One by one, each of those passes walks the whole
    module and the module is verified after each: with this pass (and the
    pipeline's other steps moved before `rms-vectorize`), a module of 100
    norms compiles on one thread in 1.5 s instead of 2.2 s (medians of
    alternating runs).

    Two conversions: first inside each function, the functions in parallel,
    the operations whose conversion stays inside the function (arith, math,
    index, ub, the vector operations below, branches with the blocks they
    jump to, and the memref operations that become address arithmetic and
    memory accesses: nine in ten operations of a module of norms); then
    over the module the rest, whose conversions add symbols to the module
    (functions and their C-interface wrappers, `malloc`, `free`, `abort`,
    ...) or span it (OpenMP). The casts between the two are folded at the
    end (100 norms: 0.33 s instead of 0.59 s on two threads).

    The vector operations that `rms-vectorize` emits (1-D loads, stores,
    masked loads and stores, `fma`, `reduction`, `bitcast`, `broadcast` of
    a scalar, `shuffle`, `interleave`, `create_mask`) convert directly, masks
    materialized as in `convert-vector-to-llvm`. Where the module holds other vector code, the
    pass first runs `convert-vector-to-llvm` (with the same two options) on
    every function, which lowers it progressively before converting it.

    What remains of these dialects is an error (`failed to legalize`).
    Unrealized casts are then reconciled, those of the input included, as
    `reconcile-unrealized-casts` does: round trips fold, and a cast that
    does not fold is left. (As two more passes, `lower-affine` and
    `reconcile-unrealized-casts` verified the whole module again each: 0.05
    and 0.1 s of the 100-norm module's 1.9 s on one thread.)

    Before:

    ```mlir
    func.func @f(%a: f32, %b: f32) -> f32 {
      %s = arith.addf %a, %b : f32
      return %s : f32
    }
    ```

    After:

    ```mlir
    llvm.func @f(%arg0: f32, %arg1: f32) -> f32 {
      %0 = llvm.fadd %arg0, %arg1 : f32
      llvm.return %0 : f32
    }
    ```
  }];
  let options = [
    Option<"reassociateFPReductions", "reassociate-fp-reductions", "bool",
           /*default=*/"false",
           "Allow vector.reduction of floats to add in any order (a tree)">,
    Option<"force32BitVectorIndices", "force-32bit-vector-indices", "bool",
           /*default=*/"true",
           "Materialize vector masks with 32-bit indices">
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def LLVMHostTarget : Pass<"rms-llvm-host-target", "::mlir::ModuleOp"> {
  let summary = "Mark the module and its LLVM functions with the host target";
  let description = [{
    Gives a module without `llvm.target_triple` the host's triple
    (`llvm::sys::getProcessTriple()`), and each defined `llvm.func` without
    a `target_cpu` or `target_features` attribute those of the host
    (`llvm::sys::getHostCPUName()`, `getHostCPUFeatures()`), which become
    the function's `target-cpu` and `target-features` in LLVM IR. The CPU
    pipeline chooses vector widths and instructions for the host (AVX512-BF16
    rounding, 16-bit vectors widened in registers); marked, its LLVM IR
    compiles to that code under any `llc` or `clang` command line, where
    unmarked f16/bf16 functions made LLVM's baseline x86-64 backend fail
    ("Do not know how to promote this operator") unless the command line
    named the CPU, and `clang` warned that it overrode the missing triple.

    ```mlir
    module attributes {llvm.target_triple = "x86_64-unknown-linux-gnu"} {
      llvm.func @f() attributes {target_cpu = "sapphirerapids",
          target_features = #llvm.target_features<["+avx512f", ...]>}
    }
    ```
  }];
}

#endif // RMS_CONVERSION_PASSES_TD
