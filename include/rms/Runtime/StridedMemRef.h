//===- StridedMemRef.h - descriptors for the C interface --------*- C++ -*-===//
//
// Helpers for hosts that call the `_mlir_ciface_<name>` functions produced by
// `--rms-cpu-pipeline`: they take MLIR's StridedMemRefType descriptors. Header
// only, no dependence on the rms libraries.
//
//===----------------------------------------------------------------------===//

#ifndef RMS_RUNTIME_STRIDEDMEMREF_H
#define RMS_RUNTIME_STRIDEDMEMREF_H

#include "mlir/ExecutionEngine/CRunnerUtils.h"

#include <cstdint>

namespace rms {

/// A descriptor of the contiguous row-major array at `data` with `shape`.
template <int N, typename T>
StridedMemRefType<T, N> makeContiguousMemRef(T *data,
                                             const int64_t (&shape)[N]) {
  StridedMemRefType<T, N> d;
  d.basePtr = d.data = data;
  d.offset = 0;
  int64_t stride = 1;
  for (int i = N - 1; i >= 0; --i) {
    d.sizes[i] = shape[i];
    d.strides[i] = stride;
    stride *= shape[i];
  }
  return d;
}

} // namespace rms

#endif // RMS_RUNTIME_STRIDEDMEMREF_H
