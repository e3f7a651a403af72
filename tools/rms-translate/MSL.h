//===- MSL.h - Metal Shading Language from the rms kernels ------*- C++ -*-===//
//
// The `--mlir-to-msl` translation of rms-translate.
//
//===----------------------------------------------------------------------===//

#ifndef RMS_TRANSLATE_MSL_H
#define RMS_TRANSLATE_MSL_H

#include "mlir/Support/LLVM.h"

namespace mlir {
class Operation;

namespace rms {
/// Writes the Metal Shading Language source of the kernels in the one
/// spirv.module under `op` (the output of `--rms-metal-pipeline`) to
/// `output`, and, unless `manifestPath` is empty, their dispatch manifest
/// (JSON) to that file.
LogicalResult translateToMSL(Operation *op, raw_ostream &output,
                             StringRef manifestPath);
} // namespace rms
} // namespace mlir

#endif // RMS_TRANSLATE_MSL_H
