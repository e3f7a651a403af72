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
    Rewrites every memref `rms.norm` into a `gpu.launch_func` of a kernel in
    `gpu.module @rms_kernels` (one kernel per element type, weight presence
    and epsilon). Each workgroup of `workgroup-size` invocations normalizes
    one row: the invocations stride over the row accumulating blocked partial
    sums of squares in f32 (f64 for f64 data), four elements per loop
    iteration (lavapipe caps an invocation at 65535 loop iterations), add
    them per subgroup (`gpu.subgroup_reduce`), publish each subgroup's sum
    from its first lane in workgroup memory, meet at one barrier, each add
    the subgroups' sums in the same order (so every invocation computes the
    same scale, for any subgroup size read at run time), and stride over
    the row again to write the result. Loops that may run no iteration and
    carry values are guarded: the SPIR-V lowering of scf.for leaves their
    results undefined otherwise. Buffers travel
    flattened to one dimension; the row count and the row length travel as
    scalar arguments, so one kernel serves every shape. Rows beyond 65535 use
    the second grid dimension.

    The kernel module carries a `spirv.target_env` for Vulkan 1.1 (SPIR-V
    1.3) allowing 16-bit storage, f16 and f64; `spirv-update-vce` later
    trims it to what a kernel uses. bf16 kernels take the data as
    `memref<?xi16>` (SPIR-V has no bf16); the host casts its buffers with
    `builtin.unrealized_conversion_cast`. Operands need identity layouts.

    Before:

    ```mlir
    rms.norm ins(%x, %w : memref<?x4096xf16>, memref<4096xf16>)
             outs(%y : memref<?x4096xf16>) epsilon(1.0e-05)
    ```

    After (abridged):

    ```mlir
    %xf = memref.collapse_shape %x [[0, 1]] : memref<?x4096xf16> into memref<?xf16>
    gpu.launch_func @rms_kernels::@rms_norm_f16_w blocks in (%gx, %gy, %c1)
        threads in (%c64, %c1, %c1) args(%xf : memref<?xf16>, %w : ..., %yf : ...,
        %rows : index, %n : index)
    ```
  }];
  let options = [
    Option<"workgroupSize", "workgroup-size", "int64_t", /*default=*/"64",
           "Invocations per workgroup (one workgroup per row)">,
    Option<"rowsPerWorkgroup", "rows-per-workgroup", "int64_t",
           /*default=*/"8",
           "Rows a workgroup normalizes when they are short (one per "
           "subgroup at a time); 1: a workgroup per row for every length">,
    Option<"shortRowLimit", "short-row-limit", "int64_t", /*default=*/"1024",
           "The longest row that is short">,
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"4",
           "Elements per load and store (1, 2 or 4) in rows whose length it "
           "divides; other rows take a scalar kernel">,
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

#endif // RMS_CONVERSION_PASSES_TD
