/*===-- rms-c/Rms.h - C API of the rms dialect and its passes -----*- C -*-===*\
|*                                                                            *|
|* The rms dialect and its passes for C hosts (and bindings built on C), on   *|
|* top of MLIR's C API, which `librms-c.so` carries too: link it instead of   *|
|* an MLIR C API library of your own.                                         *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef RMS_C_RMS_H
#define RMS_C_RMS_H

#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The rms dialect: `mlirDialectHandleInsertDialect(mlirGetDialectHandle__rms__(),
/// registry)` or `mlirDialectHandleRegisterDialect(..., context)`.
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(Rms, rms);

/// Registers what `rms.norm` needs beyond its dialect in `registry`: its
/// bufferization model, and every upstream dialect and extension the rms
/// pipelines use (as `rms-opt` does).
MLIR_CAPI_EXPORTED void rmsRegisterDialects(MlirDialectRegistry registry);

/// Registers rms's passes and named pipelines (`rms-tile`, `rms-vectorize`,
/// `rms-cpu-pipeline`, `rms-spirv-pipeline`, `rms-metal-pipeline`, ...) and
/// every upstream pass, so that `mlirParsePassPipeline` and
/// `mlirOpPassManagerAddPipeline` find them by name.
MLIR_CAPI_EXPORTED void rmsRegisterPasses(void);

#ifdef __cplusplus
}
#endif

#endif // RMS_C_RMS_H
