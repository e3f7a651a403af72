//===- Rms.cpp - C API of the rms dialect and its passes ------------------===//

#include "rms-c/Rms.h"

#include "rms/Dialect/Rms/IR/Rms.h"
#include "rms/Pipelines/Pipelines.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Registration.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(Rms, rms, mlir::rms::RmsDialect)

void rmsRegisterDialects(MlirDialectRegistry registry) {
  mlir::DialectRegistry &unwrapped = *unwrap(registry);
  mlir::registerAllDialects(unwrapped);
  mlir::registerAllExtensions(unwrapped);
  mlir::rms::registerRmsDialect(unwrapped);
}

void rmsRegisterPasses(void) {
  mlir::registerAllPasses();
  mlir::rms::registerRmsPassesAndPipelines();
}
