//===- RmsOps.td - rms dialect operations ------------------*- tablegen -*-===//
//
// Defines `rms.norm`: RMS normalization over the last axis, in tensor
// (destination-passing, one result) and memref (no result) form.
//
//===----------------------------------------------------------------------===//

#ifndef RMS_DIALECT_RMS_IR_RMSOPS_TD
#define RMS_DIALECT_RMS_IR_RMSOPS_TD

include "rms/Dialect/Rms/IR/RmsBase.td"
include "mlir/Dialect/Linalg/IR/LinalgInterfaces.td"
include "mlir/Interfaces/DestinationStyleOpInterface.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/TilingInterface.td"

def Rms_RankedShaped : AnyTypeOf<[AnyRankedTensor, AnyMemRef],
                                 "ranked tensor or memref">;

def Rms_NormOp : Rms_Op<"norm", [
    DestinationStyleOpInterface,
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>,
    DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface,
                              ["reifyResultShapes"]>,
    DeclareOpInterfaceMethods<AggregatedOpInterface, ["decomposeOperation"]>,
    DeclareOpInterfaceMethods<TilingInterface,
      ["getIterationDomain",
       "getLoopIteratorTypes",
       "getResultTilePosition",
       "getTiledImplementation",
       "getIterationDomainTileFromResultTile",
       "generateResultTileValue",
       "getIterationDomainTileFromOperandTiles",
       "getTiledImplementationFromOperandTiles"]>,
    DeclareOpInterfaceMethods<PartialReductionOpInterface,
      ["generateInitialTensorForPartialReduction",
       "tileToPartialReduction",
       "mergeReductions",
       "getPartialResultTilePosition"]>
  ]> {
  let summary = "RMS normalization over the last axis";
  let description = [{
    Normalizes every row (the last axis) of `input` by its root mean square
    and multiplies by an optional per-column `weight`:

    ```
    y[..., i] = x[..., i] * rsqrt(mean_i(x[..., i]^2) + epsilon) * w[i]
    ```

    `input` is a ranked tensor or memref of rank >= 1 with element type f16,
    bf16, f32 or f64; `weight`, when present, has rank 1 and the size of the
    last dimension of `input`; `init` has the shape of `input`. All three share
    one element type. `epsilon` is a finite, non-negative f32.

    Numerics: the sum of squares, the scale and the product are computed in
    f32 (in f64 for f64 data) and the result is rounded to the element type
    once, at the end.

    On tensors the op is destination-style with one result tied to `init`; on
    memrefs it writes `init` and has no result.

    Example:

    ```mlir
    %y = rms.norm ins(%x, %w : tensor<?x4096xf16>, tensor<4096xf16>)
                  outs(%init : tensor<?x4096xf16>) epsilon(1.0e-05)
                  -> tensor<?x4096xf16>
    rms.norm ins(%x : memref<2x8xf32>) outs(%y : memref<2x8xf32>)
             epsilon(1.0e-06)
    ```
  }];

  let arguments = (ins Rms_RankedShaped:$input,
                       Optional<Rms_RankedShaped>:$weight,
                       Rms_RankedShaped:$init,
                       F32Attr:$epsilon);
  let results = (outs Optional<AnyRankedTensor>:$result);

  let assemblyFormat = [{
    `ins` `(` $input (`,` $weight^)? `:` type($input) (`,` type($weight)^)? `)`
    `outs` `(` $init `:` type($init) `)`
    `epsilon` `(` $epsilon `)`
    attr-dict (`->` type($result)^)?
  }];

  let builders = [
    OpBuilder<(ins "Value":$input, "Value":$weight, "Value":$init,
                   "float":$epsilon)>
  ];

  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
    /// The shaped type of the input (a tensor or a memref).
    ::mlir::ShapedType getInputType() {
      return ::llvm::cast<::mlir::ShapedType>(getInput().getType());
    }
    /// The element type shared by input, weight and init.
    ::mlir::Type getElementType() { return getInputType().getElementType(); }
    /// The type in which sums and products are computed: f64 for f64 data,
    /// f32 otherwise.
    ::mlir::FloatType getAccumulatorType();
  }];

  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // RMS_DIALECT_RMS_IR_RMSOPS_TD
