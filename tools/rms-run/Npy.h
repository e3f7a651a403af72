//===- Npy.h - strict reader and writer of NumPy .npy files -----*- C++ -*-===//
//
// Reads and writes the NumPy `.npy` format (versions 1.0 to 3.0, C order,
// little-endian). The reader checks the magic, the header, the dtype, the
// shape and the data size, and says exactly what is wrong.
//
//===----------------------------------------------------------------------===//

#ifndef RMS_TOOLS_RMS_RUN_NPY_H
#define RMS_TOOLS_RMS_RUN_NPY_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::rms {

/// An array as it lies in a `.npy` file: a dtype descriptor such as `<f4`,
/// a shape, and the raw little-endian C-order bytes.
struct NpyArray {
  std::string descr;
  std::vector<int64_t> shape;
  std::vector<char> data;

  int64_t getNumElements() const;
};

/// Parses the contents of a `.npy` file.
llvm::Expected<NpyArray> parseNpy(llvm::StringRef contents);

/// Reads and parses the `.npy` file at `path`.
llvm::Expected<NpyArray> readNpy(llvm::StringRef path);

/// Serializes `array` as a version 1.0 `.npy` file.
std::string serializeNpy(const NpyArray &array);

/// Writes `array` to `path`.
llvm::Error writeNpy(llvm::StringRef path, const NpyArray &array);

} // namespace mlir::rms

#endif // RMS_TOOLS_RMS_RUN_NPY_H
