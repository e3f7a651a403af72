//===- ciface_main.cpp - call the CPU pipeline's C interface directly -----===//
//
// A C++ host that links the LLVM IR produced by `--rms-cpu-pipeline` and calls
// its `_mlir_ciface_` functions with MLIR's own StridedMemRefType, as a user's
// runtime would, then checks the results against a float64 reference.
//
//===----------------------------------------------------------------------===//

#include "rms/Runtime/StridedMemRef.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

extern "C" {
// func.func @norm(%x: tensor<?x?xf32>, %w: tensor<?xf32>) -> tensor<?x?xf32>
void _mlir_ciface_norm(StridedMemRefType<float, 2> *result,
                       StridedMemRefType<float, 2> *x,
                       StridedMemRefType<float, 1> *w);
// func.func @norm_out(%x: memref<?x?xf32>, %y: memref<?x?xf32>)
void _mlir_ciface_norm_out(StridedMemRefType<float, 2> *x,
                           StridedMemRefType<float, 2> *y);
// func.func @norm_strided(x, w, y: memrefs with any strides and offsets)
void _mlir_ciface_norm_strided(StridedMemRefType<float, 2> *x,
                               StridedMemRefType<float, 1> *w,
                               StridedMemRefType<float, 2> *y);
}

/// Max relative error of y against the float64 reference.
static double maxRelativeError(const float *x, const float *w, const float *y,
                               int64_t rows, int64_t n, double eps) {
  double worst = 0;
  for (int64_t r = 0; r < rows; ++r) {
    double sum = 0;
    for (int64_t i = 0; i < n; ++i)
      sum += double(x[r * n + i]) * double(x[r * n + i]);
    double scale = 1.0 / std::sqrt(sum / double(n) + eps);
    for (int64_t i = 0; i < n; ++i) {
      double ref = double(x[r * n + i]) * scale * (w ? double(w[i]) : 1.0);
      double err = std::fabs(double(y[r * n + i]) - ref);
      worst = std::fmax(worst, ref != 0 ? err / std::fabs(ref) : err);
    }
  }
  return worst;
}

int main() {
  const int64_t rows = 37, n = 1000;
  std::vector<float> x(rows * n), w(n), y(rows * n, -1.0f);
  unsigned seed = 12345;
  auto next = [&] {
    seed = seed * 1103515245u + 12345u;
    return float((seed >> 8) & 0xffff) / 65535.0f;
  };
  for (float &v : x)
    v = 20.0f * next() - 10.0f;
  for (float &v : w)
    v = 4.0f * next() - 2.0f;

  auto xd = rms::makeContiguousMemRef<2>(x.data(), {rows, n});
  auto wd = rms::makeContiguousMemRef<1>(w.data(), {n});
  StridedMemRefType<float, 2> result;
  _mlir_ciface_norm(&result, &xd, &wd);
  bool shapeOk = result.sizes[0] == rows && result.sizes[1] == n &&
                 result.strides[0] == n && result.strides[1] == 1;
  double err = maxRelativeError(x.data(), w.data(),
                                result.data + result.offset, rows, n,
                                double(1.0e-5f));
  std::printf("norm: shape %s, max relative error %.3g (%s)\n",
              shapeOk ? "ok" : "WRONG", err, err <= 1e-6 ? "ok" : "TOO LARGE");
  std::free(result.basePtr);

  auto yd = rms::makeContiguousMemRef<2>(y.data(), {rows, n});
  _mlir_ciface_norm_out(&xd, &yd);
  double errOut = maxRelativeError(x.data(), nullptr, y.data(), rows, n, 0.0);
  std::printf("norm_out: max relative error %.3g (%s)\n", errOut,
              errOut <= 1e-6 ? "ok" : "TOO LARGE");
  // Rows as columns of column-major arrays, and every other weight: no
  // operand has a unit innermost stride.
  std::vector<float> xt(rows * n), wt(2 * n), yt(rows * n, -1.0f);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = 0; i < n; ++i)
      xt[i * rows + r] = x[r * n + i];
  for (int64_t i = 0; i < n; ++i)
    wt[2 * i] = w[i];
  auto xs = rms::makeContiguousMemRef<2>(xt.data(), {rows, n});
  xs.strides[0] = 1;
  xs.strides[1] = rows;
  auto ws = rms::makeContiguousMemRef<1>(wt.data(), {n});
  ws.strides[0] = 2;
  auto ys = rms::makeContiguousMemRef<2>(yt.data(), {rows, n});
  ys.strides[0] = 1;
  ys.strides[1] = rows;
  _mlir_ciface_norm_strided(&xs, &ws, &ys);
  std::vector<float> yBack(rows * n);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = 0; i < n; ++i)
      yBack[r * n + i] = yt[i * rows + r];
  double errStrided = maxRelativeError(x.data(), w.data(), yBack.data(), rows,
                                       n, double(1.0e-5f));
  std::printf("norm_strided: max relative error %.3g (%s)\n", errStrided,
              errStrided <= 1e-6 ? "ok" : "TOO LARGE");
  return shapeOk && err <= 1e-6 && errOut <= 1e-6 && errStrided <= 1e-6 ? 0
                                                                        : 1;
}
