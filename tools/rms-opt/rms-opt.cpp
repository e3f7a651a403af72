//===- rms-opt.cpp - the rms optimizer driver -----------------------------===//
//
// An mlir-opt with the rms dialect, its passes and its named pipelines on top
// of every upstream dialect, extension and pass.
//
//===----------------------------------------------------------------------===//

#include "rms/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

namespace mlir::rms::test {
void registerTestFuseConsumerPass();
} // namespace mlir::rms::test

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::rms::registerRmsPassesAndPipelines();
  mlir::rms::test::registerTestFuseConsumerPass();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::rms::registerRmsDialect(registry);

  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "rms optimizer driver\n", registry));
}
