//===- rms-translate.cpp - the rms translation driver ---------------------===//
//
// Translations out of the rms pipelines' outputs:
//   --mlir-to-llvmir    LLVM IR from the output of --rms-cpu-pipeline
//   --serialize-spirv   the SPIR-V binary of the one spirv.module in the output
//                       of --rms-spirv-pipeline, which also holds the host
//                       code that dispatches it (so every dialect parses)
//   --mlir-to-msl       Metal Shading Language from the output of
//                       --rms-metal-pipeline; --msl-manifest=FILE also writes
//                       the JSON that a Metal host needs to dispatch it
//
//===----------------------------------------------------------------------===//

#include "MSL.h"

#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Target/SPIRV/Serialization.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"

#include "mlir/InitAllTranslations.h"

using namespace mlir;

static llvm::cl::opt<std::string> mslManifest(
    "msl-manifest",
    llvm::cl::desc("With --mlir-to-msl: write the kernels' dispatch manifest "
                   "(JSON) to this file"),
    llvm::cl::value_desc("file"), llvm::cl::init(""));

/// Writes the binary of the single spirv.module under `module`.
static LogicalResult serializeSPIRV(Operation *module, raw_ostream &output) {
  SmallVector<spirv::ModuleOp> spirvModules;
  module->walk([&](spirv::ModuleOp op) { spirvModules.push_back(op); });
  if (spirvModules.size() != 1)
    return module->emitError("expected exactly one spirv.module, found ")
           << spirvModules.size();
  SmallVector<uint32_t> binary;
  if (failed(spirv::serialize(spirvModules.front(), binary)))
    return failure();
  output.write(reinterpret_cast<const char *>(binary.data()),
               binary.size() * sizeof(uint32_t));
  return success();
}

int main(int argc, char **argv) {
  registerToLLVMIRTranslation();
  TranslateFromMLIRRegistration serialize(
      "serialize-spirv", "serialize the spirv.module of a module to SPIR-V",
      serializeSPIRV, [](DialectRegistry &registry) {
        registerAllDialects(registry);
        registerAllExtensions(registry);
      });
  TranslateFromMLIRRegistration msl(
      "mlir-to-msl",
      "translate the spirv.module of --rms-metal-pipeline to Metal Shading "
      "Language",
      [](Operation *op, raw_ostream &output) {
        return rms::translateToMSL(op, output, mslManifest);
      },
      [](DialectRegistry &registry) {
        registerAllDialects(registry);
        registerAllExtensions(registry);
      });
  return failed(mlirTranslateMain(argc, argv, "rms translation driver\n"));
}
