//===- ciface_main.cpp - call the CPU pipeline's C interface directly -----===//
//
// A C++ host that links the LLVM IR produced by `--rms-cpu-pipeline` and calls
// its `_mlir_ciface_` functions with MLIR's own StridedMemRefType, as a user's
// runtime would, then checks the results against a float64 reference.
//
//===----------------------------------------------------------------------===//

#include "rms/Runtime/StridedMemRef.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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
// func.func @norm_f16_3d(%x: tensor<2x5x4096xf16>, %w: tensor<4096xf16>)
void _mlir_ciface_norm_f16_3d(StridedMemRefType<uint16_t, 3> *result,
                              StridedMemRefType<uint16_t, 3> *x,
                              StridedMemRefType<uint16_t, 1> *w);
// func.func @norm_bf16(%x: tensor<300x4096xbf16>, %w: tensor<4096xbf16>)
void _mlir_ciface_norm_bf16(StridedMemRefType<uint16_t, 2> *result,
                            StridedMemRefType<uint16_t, 2> *x,
                            StridedMemRefType<uint16_t, 1> *w);
// func.func @norm_f64_row(%x: tensor<4099xf64>) -> tensor<4099xf64>
void _mlir_ciface_norm_f64_row(StridedMemRefType<double, 1> *result,
                               StridedMemRefType<double, 1> *x);
// The output is the input (memref<?x?xf32>, memref<1048576xf32>,
// memref<64x4096xf16>, memref<37x64xf32>).
void _mlir_ciface_norm_in_place(StridedMemRefType<float, 2> *x,
                                StridedMemRefType<float, 1> *w);
void _mlir_ciface_norm_row_in_place(StridedMemRefType<float, 1> *x);
void _mlir_ciface_norm_f16_in_place(StridedMemRefType<uint16_t, 2> *x,
                                    StridedMemRefType<uint16_t, 1> *w);
void _mlir_ciface_norm_short_in_place(StridedMemRefType<float, 2> *x,
                                      StridedMemRefType<float, 1> *w);
}

/// The bits of `value` as a `To` of the same size.
template <typename To, typename From> static To bitCast(From value) {
  static_assert(sizeof(To) == sizeof(From), "sizes differ");
  To result;
  std::memcpy(&result, &value, sizeof(To));
  return result;
}

/// 16-bit floats as their bits: f16 through the compiler's _Float16, bf16 as
/// the high half of an f32 (rounded to nearest even; inputs here are finite).
static double fromF16(uint16_t bits) {
  return double(bitCast<_Float16>(bits));
}
static uint16_t toF16(double value) {
  return bitCast<uint16_t>(_Float16(value));
}
static double fromBF16(uint16_t bits) {
  return double(bitCast<float>(uint32_t(bits) << 16));
}
static uint16_t toBF16(double value) {
  uint32_t word = bitCast<uint32_t>(float(value));
  return uint16_t((word + 0x7fff + ((word >> 16) & 1)) >> 16);
}
/// Distance in units in the last place between two 16-bit float patterns.
static int64_t ulpDistance(uint16_t a, uint16_t b) {
  auto ordered = [](uint16_t v) -> int64_t {
    return v & 0x8000 ? -int64_t(v & 0x7fff) : int64_t(v);
  };
  return std::llabs(ordered(a) - ordered(b));
}

/// Max ulp distance of the 16-bit `y` from the float64 reference of `x` and
/// `w` rounded to the same type (`from`/`to` convert it).
static int64_t maxUlpDistance(const uint16_t *x, const uint16_t *w,
                              const uint16_t *y, int64_t rows, int64_t n,
                              double (*from)(uint16_t),
                              uint16_t (*to)(double)) {
  int64_t worst = 0;
  for (int64_t r = 0; r < rows; ++r) {
    double sum = 0;
    for (int64_t i = 0; i < n; ++i)
      sum += from(x[r * n + i]) * from(x[r * n + i]);
    double scale = 1.0 / std::sqrt(sum / double(n) + double(1.0e-5f));
    for (int64_t i = 0; i < n; ++i) {
      uint16_t ref = to(from(x[r * n + i]) * scale * from(w[i]));
      worst = std::max(worst, ulpDistance(y[r * n + i], ref));
    }
  }
  return worst;
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

/// Uniform in [0, 1], from a fixed seed.
static float next() {
  static unsigned seed = 12345;
  seed = seed * 1103515245u + 12345u;
  return float((seed >> 8) & 0xffff) / 65535.0f;
}

/// Calls the 16-bit `function(x, w) -> tensor` on uniform inputs of `shape`
/// (`to`/`from` convert the type), checks that the returned descriptor is
/// contiguous with that shape and every element within 1 ulp of the float64
/// reference, and prints one line.
template <int N>
static bool check16(const char *name, const int64_t (&shape)[N],
                    void (*function)(StridedMemRefType<uint16_t, N> *,
                                     StridedMemRefType<uint16_t, N> *,
                                     StridedMemRefType<uint16_t, 1> *),
                    double (*from)(uint16_t), uint16_t (*to)(double)) {
  int64_t n = shape[N - 1], count = 1;
  for (int64_t size : shape)
    count *= size;
  std::vector<uint16_t> x(count), w(n);
  for (uint16_t &v : x)
    v = to(20.0 * next() - 10.0);
  for (uint16_t &v : w)
    v = to(4.0 * next() - 2.0);
  auto xd = rms::makeContiguousMemRef<N>(x.data(), shape);
  auto wd = rms::makeContiguousMemRef<1>(w.data(), {n});
  StridedMemRefType<uint16_t, N> y;
  function(&y, &xd, &wd);
  bool shapeOk = true;
  for (int d = 0; d < N; ++d)
    shapeOk = shapeOk && y.sizes[d] == xd.sizes[d] &&
              y.strides[d] == xd.strides[d];
  int64_t ulp = maxUlpDistance(x.data(), w.data(), y.data + y.offset,
                               count / n, n, from, to);
  std::printf("%s: shape %s, max ulp distance %lld (%s)\n", name,
              shapeOk ? "ok" : "WRONG", (long long)ulp,
              ulp <= 1 ? "ok" : "TOO LARGE");
  std::free(y.basePtr);
  return shapeOk && ulp <= 1;
}

int main() {
  const int64_t rows = 37, n = 1000;
  std::vector<float> x(rows * n), w(n), y(rows * n, -1.0f);
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
  bool ok = shapeOk && err <= 1e-6 && errOut <= 1e-6 && errStrided <= 1e-6;

  // f16, rank 3, static: 10 rows of 4096; bf16, more rows than one tile.
  ok = check16("norm_f16_3d", {2, 5, 4096}, _mlir_ciface_norm_f16_3d,
               fromF16, toF16) &&
       ok;
  ok = check16("norm_bf16", {300, 4096}, _mlir_ciface_norm_bf16, fromBF16,
               toBF16) &&
       ok;

  // f64, a single row of 4099 without a weight.
  const int64_t n64 = 4099;
  std::vector<double> d(n64);
  for (double &v : d)
    v = 20.0 * next() - 10.0;
  auto dd = rms::makeContiguousMemRef<1>(d.data(), {n64});
  StridedMemRefType<double, 1> dy;
  _mlir_ciface_norm_f64_row(&dy, &dd);
  bool dShape = dy.sizes[0] == n64 && dy.strides[0] == 1;
  double sum = 0;
  for (double v : d)
    sum += v * v;
  double scale = 1.0 / std::sqrt(sum / double(n64) + double(1.0e-5f));
  double dErr = 0;
  for (int64_t i = 0; i < n64; ++i) {
    double ref = d[i] * scale;
    dErr = std::fmax(dErr, std::fabs(dy.data[dy.offset + i] - ref) /
                               std::fabs(ref));
  }
  std::printf("norm_f64_row: shape %s, max relative error %.3g (%s)\n",
              dShape ? "ok" : "WRONG", dErr,
              dErr <= 1e-14 ? "ok" : "TOO LARGE");
  std::free(dy.basePtr);
  ok = ok && dShape && dErr <= 1e-14;

  // In place: 300 rows of 4096 f32 (4.7 MiB, streamed out), a row of 2^20
  // (split), 64 rows of 4096 f16, 37 short rows of 64 f32 (the first 64
  // weights); each against the float64 reference of a copy of its input.
  auto inPlace = [&](const char *name, std::vector<float> &values,
                     const float *weight, int64_t rowCount, int64_t size,
                     auto call) {
    for (float &v : values)
      v = 20.0f * next() - 10.0f;
    std::vector<float> input = values;
    call();
    double e = maxRelativeError(input.data(), weight, values.data(), rowCount,
                                size, double(1.0e-5f));
    std::printf("%s: max relative error %.3g (%s)\n", name, e,
                e <= 1e-6 ? "ok" : "TOO LARGE");
    return e <= 1e-6;
  };
  const int64_t wide = 4096;
  std::vector<float> rowsInPlace(300 * wide), w4096(wide);
  for (float &v : w4096)
    v = 4.0f * next() - 2.0f;
  auto rd = rms::makeContiguousMemRef<2>(rowsInPlace.data(), {300, wide});
  auto w4d = rms::makeContiguousMemRef<1>(w4096.data(), {wide});
  ok = inPlace("norm_in_place", rowsInPlace, w4096.data(), 300, wide,
               [&] { _mlir_ciface_norm_in_place(&rd, &w4d); }) &&
       ok;
  const int64_t longRow = int64_t(1) << 20;
  std::vector<float> row(longRow);
  auto lr = rms::makeContiguousMemRef<1>(row.data(), {longRow});
  ok = inPlace("norm_row_in_place", row, nullptr, 1, longRow,
               [&] { _mlir_ciface_norm_row_in_place(&lr); }) &&
       ok;
  std::vector<uint16_t> h(64 * wide), hw(wide);
  for (uint16_t &v : h)
    v = toF16(20.0 * next() - 10.0);
  for (uint16_t &v : hw)
    v = toF16(4.0 * next() - 2.0);
  std::vector<uint16_t> hInput = h;
  auto hd = rms::makeContiguousMemRef<2>(h.data(), {64, wide});
  auto hwd = rms::makeContiguousMemRef<1>(hw.data(), {wide});
  _mlir_ciface_norm_f16_in_place(&hd, &hwd);
  int64_t hUlp = maxUlpDistance(hInput.data(), hw.data(), h.data(), 64, wide,
                                fromF16, toF16);
  std::printf("norm_f16_in_place: max ulp distance %lld (%s)\n",
              (long long)hUlp, hUlp <= 1 ? "ok" : "TOO LARGE");
  ok = ok && hUlp <= 1;
  std::vector<float> shortRows(37 * 64);
  auto sd = rms::makeContiguousMemRef<2>(shortRows.data(), {37, 64});
  auto w64d = rms::makeContiguousMemRef<1>(w4096.data(), {64});
  ok = inPlace("norm_short_in_place", shortRows, w4096.data(), 37, 64,
               [&] { _mlir_ciface_norm_short_in_place(&sd, &w64d); }) &&
       ok;
  return ok ? 0 : 1;
}
