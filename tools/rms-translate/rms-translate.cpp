//===- rms-translate.cpp - the rms translation driver ---------------------===//
//
// An mlir-translate with every upstream translation (`--mlir-to-llvmir`,
// `--serialize-spirv`, ...). Its inputs are the outputs of the rms pipelines,
// which hold upstream dialects only.
//
//===----------------------------------------------------------------------===//

#include "mlir/InitAllTranslations.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::registerAllTranslations();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "rms translation driver\n"));
}
