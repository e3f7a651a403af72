//===- RmsPlugin.cpp - rms as a plugin of mlir-opt ------------------------===//
//
// A dialect and pass plugin, so that any mlir-opt built on the same libMLIR.so
// (Debian's mlir-opt-22 among them) can use rms:
//
//   mlir-opt-22 --load-dialect-plugin=build/lib/RmsPlugin.so \
//               --load-pass-plugin=build/lib/RmsPlugin.so \
//               input.mlir --rms-cpu-pipeline
//
//===----------------------------------------------------------------------===//

#include "rms/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"

using namespace mlir;

extern "C" LLVM_ATTRIBUTE_WEAK DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "rms", LLVM_VERSION_STRING,
          [](DialectRegistry *registry) {
            rms::registerRmsDialect(*registry);
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "rms", LLVM_VERSION_STRING,
          []() { rms::registerRmsPassesAndPipelines(); }};
}
