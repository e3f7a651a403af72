//===- harness.cpp - rms against copy bandwidth and a naive loop ----------===//
//
// Measures, in one process and interleaved round by round (in orders that
// change) so that a noisy machine and the cache state each leaves behind
// affect all three alike:
//   - rms:   the kernel compiled by `rms-opt --rms-cpu-pipeline` (a shared
//            object, called through its C interface `_mlir_ciface_<name>`
//            with StridedMemRefType descriptors: x, w, y);
//   - copy:  memcpy of the bytes of x into y, split across the threads;
//   - naive: a two-pass C++ RMS norm (f32 sum of squares per row, then the
//            scaling), built with clang -O3 -march=native -ffast-math, rows
//            split across the threads with OpenMP.
// Threads follow OMP_NUM_THREADS for all three. GB/s counts x read + y
// written + w read (copy: x read + y written) over the median time of REPS
// calls. Prints one line per round: `round R rms GBPS copy GBPS naive GBPS`.
//
//===----------------------------------------------------------------------===//

#include "rms/Runtime/StridedMemRef.h"

#include <dlfcn.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

template <typename T>
static void naiveNorm(const T *x, const T *w, T *y, long rows, long n,
                      float eps) {
#pragma omp parallel for schedule(static)
  for (long r = 0; r < rows; ++r) {
    const T *xr = x + r * n;
    T *yr = y + r * n;
    float sum = 0.0f;
    for (long i = 0; i < n; ++i)
      sum += float(xr[i]) * float(xr[i]);
    float scale = 1.0f / std::sqrt(sum / float(n) + eps);
    for (long i = 0; i < n; ++i)
      yr[i] = T(float(xr[i]) * scale * float(w[i]));
  }
}

static void parallelCopy(char *dst, const char *src, size_t bytes) {
#pragma omp parallel
  {
    size_t threads = omp_get_num_threads(), t = omp_get_thread_num();
    size_t chunk = (bytes / threads + 63) / 64 * 64;
    size_t begin = std::min(bytes, t * chunk);
    size_t end = std::min(bytes, begin + chunk);
    std::memcpy(dst + begin, src + begin, end - begin);
  }
}

template <typename F>
static double medianSeconds(int reps, F &&f) {
  f(); // warm-up
  std::vector<double> times;
  for (int i = 0; i < reps; ++i) {
    auto start = std::chrono::steady_clock::now();
    f();
    times.push_back(std::chrono::duration<double>(
                        std::chrono::steady_clock::now() - start)
                        .count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

template <typename T> static T *allocate(size_t count) {
  return static_cast<T *>(
      std::aligned_alloc(64, (count * sizeof(T) + 63) / 64 * 64));
}

template <typename T>
static int run(void *kernel, long rows, long n, int reps, int rounds) {
  using Kernel = void (*)(StridedMemRefType<T, 2> *, StridedMemRefType<T, 1> *,
                          StridedMemRefType<T, 2> *);
  size_t count = size_t(rows) * n;
  T *x = allocate<T>(count), *y = allocate<T>(count), *w = allocate<T>(n);
  for (size_t i = 0; i < count; ++i)
    x[i] = T(float((i * 2654435761u) % 2001) / 100.0f - 10.0f);
  for (long i = 0; i < n; ++i)
    w[i] = T(float(i % 7) / 4.0f - 0.75f);
  std::memset(y, 0, count * sizeof(T));
  auto xd = rms::makeContiguousMemRef<2>(x, {rows, n});
  auto wd = rms::makeContiguousMemRef<1>(w, {n});
  auto yd = rms::makeContiguousMemRef<2>(y, {rows, n});

  double bytes = 2.0 * count * sizeof(T) + n * sizeof(T);
  double copyBytes = 2.0 * count * sizeof(T);
  // Each measurement leaves the caches as its code does (the naive loop and
  // memcpy leave y in cache, dirty; streaming stores do not), which the next
  // one inherits: the rounds take the six orders of the three in turn, so
  // that none always comes after the same one.
  std::function<void()> calls[3] = {
      [&] { reinterpret_cast<Kernel>(kernel)(&xd, &wd, &yd); },
      [&] {
        parallelCopy(reinterpret_cast<char *>(y),
                     reinterpret_cast<const char *>(x), count * sizeof(T));
      },
      [&] { naiveNorm(x, w, y, rows, n, 1.0e-5f); }};
  static const int orders[6][3] = {{0, 1, 2}, {1, 2, 0}, {2, 0, 1},
                                   {0, 2, 1}, {2, 1, 0}, {1, 0, 2}};
  for (int round = 0; round < rounds; ++round) {
    double seconds[3];
    for (int which : orders[round % 6])
      seconds[which] = medianSeconds(reps, calls[which]);
    std::printf("round %d rms %.3f copy %.3f naive %.3f\n", round,
                bytes / seconds[0] / 1e9, copyBytes / seconds[1] / 1e9,
                bytes / seconds[2] / 1e9);
  }
  std::free(x);
  std::free(y);
  std::free(w);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 8) {
    std::fprintf(stderr, "usage: harness KERNEL.so NAME ROWS N "
                         "f16|bf16|f32|f64 REPS ROUNDS\n");
    return 2;
  }
  void *library = dlopen(argv[1], RTLD_NOW);
  if (!library) {
    std::fprintf(stderr, "harness: %s\n", dlerror());
    return 1;
  }
  std::string symbol = std::string("_mlir_ciface_") + argv[2];
  void *kernel = dlsym(library, symbol.c_str());
  if (!kernel) {
    std::fprintf(stderr, "harness: no %s in %s\n", symbol.c_str(), argv[1]);
    return 1;
  }
  long rows = std::atol(argv[3]), n = std::atol(argv[4]);
  std::string type = argv[5];
  int reps = std::atoi(argv[6]), rounds = std::atoi(argv[7]);
  if (type == "f32")
    return run<float>(kernel, rows, n, reps, rounds);
  if (type == "f16")
    return run<_Float16>(kernel, rows, n, reps, rounds);
  if (type == "bf16")
    return run<__bf16>(kernel, rows, n, reps, rounds);
  if (type == "f64")
    return run<double>(kernel, rows, n, reps, rounds);
  std::fprintf(stderr, "harness: unknown type '%s'\n", type.c_str());
  return 2;
}
