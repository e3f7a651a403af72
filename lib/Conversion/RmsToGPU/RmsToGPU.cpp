//===- RmsToGPU.cpp - lower rms.norm to GPU kernels -----------------------===//
//
// Implements `convert-rms-to-gpu`: every memref rms.norm becomes a launch of a
// kernel that normalizes short rows one per subgroup, several per workgroup,
// and long rows one per workgroup, loading vectors where the row length
// allows. The kernels are written for portability: no atomics, at most one
// barrier per row, correct for any subgroup size (read at run time) and any
// row length, and one kernel serves every shape.
//
//===----------------------------------------------------------------------===//

#include "rms/Conversion/Passes.h"
#include "rms/Dialect/Rms/IR/Rms.h"
#include "rms/Dialect/Rms/Utils/Rounding.h"

#include "mlir/Dialect/SPIRV/IR/TargetAndABI.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::rms {
#define GEN_PASS_DEF_CONVERTRMSTOGPU
#include "rms/Conversion/Passes.h.inc"
} // namespace mlir::rms

using namespace mlir;
using namespace mlir::rms;

/// The most workgroups a grid dimension may have (Vulkan's guaranteed
/// minimum of maxComputeWorkGroupCount).
static constexpr int64_t kMaxGridDim = 65535;

/// Elements an invocation handles per loop iteration (the blocked sum below
/// assumes 4).
static constexpr int64_t kUnroll = 4;

/// Iterations summed before a block joins an invocation's running sum.
static constexpr int64_t kBlock = 64;

/// The most units an invocation keeps in registers.
static constexpr int64_t kMaxRowRegisters = 64;

/// Kernel attributes recording the launch geometry.
static constexpr StringLiteral kRowsPerWorkgroupAttr = "rms.rows_per_workgroup";
static constexpr StringLiteral kPathAttr = "rms.path";
static constexpr StringLiteral kShortRowLimitAttr = "rms.short_row_limit";
static constexpr StringLiteral kInvocationRowLimitAttr =
    "rms.invocation_row_limit";
static constexpr StringLiteral kRegisterRowLimitAttr = "rms.register_row_limit";

/// `scf.if %condition` with `onTrue` and `onFalse` building its two blocks.
static void ifThenElse(ImplicitLocOpBuilder &b, Value condition,
                       function_ref<void()> onTrue,
                       function_ref<void()> onFalse) {
  scf::IfOp::create(
      b, condition,
      [&](OpBuilder &, Location) {
        onTrue();
        scf::YieldOp::create(b);
      },
      [&](OpBuilder &, Location) {
        onFalse();
        scf::YieldOp::create(b);
      });
}

/// Vulkan 1.1 (SPIR-V 1.3) with what any rms kernel may use (DenormPreserve
/// for rms-spirv-preserve-denormals); for Metal the same without f64.
static spirv::TargetEnvAttr kernelTargetEnv(MLIRContext *ctx, bool withF64) {
  using spirv::Capability;
  using spirv::Extension;
  SmallVector<Capability> capabilities = {
      Capability::Shader,
      Capability::Float16,
      Capability::Int16,
      Capability::StorageBuffer16BitAccess,
      Capability::GroupNonUniform,
      Capability::GroupNonUniformArithmetic,
      Capability::GroupNonUniformShuffle,
      Capability::DenormPreserve};
  if (withF64)
    capabilities.insert(capabilities.begin() + 2, Capability::Float64);
  auto triple = spirv::VerCapExtAttr::get(
      spirv::Version::V_1_3, capabilities,
      {Extension::SPV_KHR_storage_buffer_storage_class,
       Extension::SPV_KHR_16bit_storage, Extension::SPV_KHR_float_controls},
      ctx);
  return spirv::TargetEnvAttr::get(
      triple, spirv::getDefaultResourceLimits(ctx), spirv::ClientAPI::Vulkan,
      spirv::Vendor::Unknown, spirv::DeviceType::Unknown,
      spirv::TargetEnvAttr::kUnknownDeviceID);
}

namespace {
/// How a kernel maps rows onto invocations. Each is a complete kernel for
/// any row length (the vector width dividing it), but for `InRegisters`,
/// which needs rows of at most `workgroupSize * rowRegisters` units; the
/// host launches the one that suits the row length.
enum class RowPath {
  /// A row per `rowLanes` invocations of a subgroup (one, for CPU devices,
  /// where a subgroup is one thread's SIMD registers; a few on GPUs, where
  /// neighbouring lanes should read neighbouring units), `workgroupSize /
  /// rowLanes` rows per workgroup, held in registers.
  PerInvocation,
  /// `rowsPerWorkgroup` rows per workgroup, each subgroup normalizing whole
  /// rows (kept in registers when they fit, if `rowRegisters` > 0).
  Short,
  /// A row per workgroup, read twice.
  Streamed,
  /// A row per workgroup, read once into `rowRegisters` registers per
  /// invocation.
  InRegisters,
  /// Very long rows split in chunks of `splitChunk` units, a workgroup per
  /// chunk, in two kernels: `SplitSums` writes each chunk's sum of squares
  /// to a buffer of partial sums, `SplitScale` adds its row's partial sums
  /// and scales its chunk.
  SplitSums,
  SplitScale,
};

/// What a kernel is specialized for: variant, vector width and path.
struct KernelConfig {
  Type elementType;
  bool hasWeight;
  float epsilon;
  /// Elements per load and store: 1, or a vector width that divides n.
  int64_t vectorWidth;
  int64_t workgroupSize;
  RowPath path;
  /// Rows per workgroup of the `Short` path.
  int64_t rowsPerWorkgroup;
  /// The host launches the `Short` kernel for rows up to this length (0: no
  /// short rows), the `PerInvocation` kernel up to `invocationRowLimit`
  /// (at most 64 units); recorded on every kernel for hosts that read the
  /// kernels alone.
  int64_t shortRowLimit;
  int64_t invocationRowLimit;
  /// Units of a row an invocation keeps in registers (0: none).
  int64_t rowRegisters;
  /// The host launches the `InRegisters` kernel for long rows up to this
  /// length (0: never); recorded like `shortRowLimit`.
  int64_t registerRowLimit = 0;
  /// 16-bit data in vectors of 4 travel as pairs of 32-bit words
  /// (`vector<2xi32>`): lavapipe loads and stores a vector one 32-bit (or
  /// narrower) component at a time, lane by lane.
  bool packHalves = false;
  /// f32 results are rounded to f16 with integer operations.
  bool integerF16Rounding = false;
  /// Invocations sharing a row on the `PerInvocation` path: a power of two
  /// no larger than the subgroup.
  int64_t rowLanes = 1;
  /// Units per workgroup on the split paths.
  int64_t splitChunk = 0;
  /// Units each invocation holds on the `InRegisters` and `PerInvocation`
  /// paths when the kernel serves one static row length (0: as many as
  /// the options allow).
  int64_t heldUnits = 0;
  /// f32 results that come out zero or NaN (1), or all of them (2), are
  /// computed again with their exponents in integers, exact where the
  /// device flushes f32 denormals (0: never).
  int64_t denormalFixup = 0;
};

/// The type sums are kept in: f64 for f64 data, f32 for the others.
static FloatType accumulatorType(Type elementType) {
  MLIRContext *ctx = elementType.getContext();
  if (elementType.isF64())
    return Float64Type::get(ctx);
  return Float32Type::get(ctx);
}

static StringRef pathName(RowPath path) {
  switch (path) {
  case RowPath::PerInvocation:
    return "lane";
  case RowPath::Short:
    return "rows";
  case RowPath::Streamed:
    return "row";
  case RowPath::InRegisters:
    return "reg";
  case RowPath::SplitSums:
    return "part";
  case RowPath::SplitScale:
    return "split";
  }
  llvm_unreachable("unknown row path");
}

/// Builds the kernel of one configuration.
class KernelBuilder {
public:
  KernelBuilder(ImplicitLocOpBuilder &b, const KernelConfig &config)
      : b(b), config(config) {
    accType = accumulatorType(config.elementType);
  }

  gpu::GPUFuncOp build(StringRef name);

private:
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  /// `scalar`, or a vector of it when the kernel loads several elements at
  /// once.
  Type wide(Type scalar) {
    if (config.vectorWidth == 1)
      return scalar;
    return VectorType::get({config.vectorWidth}, scalar);
  }
  /// The constant `value` of type `wide(scalar)`.
  Value constant(Type scalar, TypedAttr value) {
    Type type = wide(scalar);
    if (type == scalar)
      return arith::ConstantOp::create(b, value);
    return arith::ConstantOp::create(
        b, DenseElementsAttr::get(cast<ShapedType>(type), value));
  }
  Value intConstant(int64_t v) {
    return constant(b.getI32Type(), b.getI32IntegerAttr(v));
  }
  Value accConstant(double v) {
    return constant(accType, b.getFloatAttr(accType, v));
  }
  /// The element type in the kernel's buffers: bf16 travels as its 16 bits
  /// (SPIR-V has no bf16, and MLIR's emulation would widen the buffers).
  Type storageType() {
    return config.elementType.isBF16() ? Type(b.getI16Type())
                                       : config.elementType;
  }
  /// A unit of the kernel's buffers: `vectorWidth` stored elements, or
  /// with `packHalves` four 16-bit elements as two 32-bit words.
  Type bufferUnit() {
    if (config.packHalves)
      return VectorType::get({2}, b.getI32Type());
    return wide(storageType());
  }
  /// The unit at `at` of `memref`, in the accumulator type.
  Value loadWide(Value memref, Value at) {
    Value v = memref::LoadOp::create(b, memref, ValueRange{at});
    if (config.packHalves && config.elementType.isBF16())
      return widenBF16Words(v);
    if (config.packHalves)
      v = vector::BitCastOp::create(
          b, cast<VectorType>(wide(storageType())), v);
    return widen(v);
  }
  /// Whether any lane of `condition` (an i1 or a vector of them) holds.
  Value anyLane(Value condition);
  /// `lhs predicate rhs` for i32 values (or vectors) and a constant `rhs`.
  Value compare(arith::CmpIPredicate predicate, Value lhs, int64_t rhs) {
    return arith::CmpIOp::create(b, predicate, lhs, intConstant(rhs));
  }
  /// The biased exponent field of the f32 bits `bits`.
  Value exponentField(Value bits) {
    return arith::AndIOp::create(
        b, arith::ShRUIOp::create(b, bits, intConstant(23)), intConstant(0xFF));
  }
  /// `v` (f32) as a significand of magnitude in [1, 2) and an unbiased
  /// exponent (i32), computed with integer operations, so that a denormal
  /// `v` is not flushed; zeros, infinities and NaNs come back as they are,
  /// with 0.
  std::pair<Value, Value> splitExponent(Value v);
  /// `(v * scale) * weight` (f32; `weight` may be null) with the f32
  /// roundings of the plain products but the exponents added in integers
  /// and the result's bits built with them: no f32 operation sees a
  /// denormal, so a device that flushes them still gets every denormal
  /// input, intermediate and result right.
  Value scaledWithoutDenormals(Value v, Value scale, Value weight);
  /// Stores `v` rounded to the stored element type at `at` of `memref`.
  void storeNarrow(Value v, Value memref, Value at) {
    if (config.packHalves && config.elementType.isBF16())
      v = narrowBF16Words(v);
    else
      v = narrow(v);
    if (config.packHalves && !config.elementType.isBF16())
      v = vector::BitCastOp::create(b, cast<VectorType>(bufferUnit()), v);
    memref::StoreOp::create(b, v, memref, ValueRange{at});
  }
  /// Four bf16 packed in two 32-bit words, widened to f32 in the words: the
  /// low halves shifted up, the high halves masked (two operations per two
  /// elements instead of a widening and a shift for each).
  Value widenBF16Words(Value words) {
    Value low = arith::ShLIOp::create(b, words, wordConstant(16));
    Value high = arith::AndIOp::create(b, words, wordConstant(0xFFFF0000));
    Value bits = vector::ShuffleOp::create(b, low, high, {0, 2, 1, 3});
    return arith::BitcastOp::create(b, wide(accType), bits);
  }
  /// Four f32 rounded to bf16 (to nearest even, NaN kept quiet) and packed
  /// in two 32-bit words: each result is left in the high half of its f32
  /// bits, then the even elements shift down into the low halves.
  Value narrowBF16Words(Value v) {
    Value result = roundedBF16Bits(b, v);
    Value even = vector::ShuffleOp::create(b, result, result, {0, 2});
    Value odd = vector::ShuffleOp::create(b, result, result, {1, 3});
    return arith::OrIOp::create(
        b, arith::ShRUIOp::create(b, even, wordConstant(16)),
        arith::AndIOp::create(b, odd, wordConstant(0xFFFF0000)));
  }
  /// `v` in each of the two 32-bit words of a packed unit.
  Value wordConstant(int64_t v) {
    return arith::ConstantOp::create(
        b,
        DenseElementsAttr::get(VectorType::get({2}, b.getI32Type()),
                               b.getI32IntegerAttr(static_cast<int32_t>(v))));
  }
  /// Loaded elements in the accumulator type.
  Value widen(Value v) {
    if (config.elementType.isBF16()) {
      // bf16 bits are the high half of the f32 with the same value.
      Value word = arith::ExtUIOp::create(b, wide(b.getI32Type()), v);
      Value shifted = arith::ShLIOp::create(b, word, intConstant(16));
      return arith::BitcastOp::create(b, wide(accType), shifted);
    }
    if (config.elementType == accType)
      return v;
    return arith::ExtFOp::create(b, wide(accType), v);
  }
  /// Results rounded once to the stored element type (to nearest even; a
  /// bf16 NaN stays quiet).
  Value narrow(Value v) {
    if (config.elementType.isBF16())
      return arith::TruncIOp::create(
          b, wide(b.getI16Type()),
          arith::ShRUIOp::create(b, roundedBF16Bits(b, v), intConstant(16)));
    if (config.elementType == accType)
      return v;
    if (config.integerF16Rounding && config.elementType.isF16())
      return arith::BitcastOp::create(
          b, wide(config.elementType),
          arith::TruncIOp::create(b, wide(b.getI16Type()), f16Bits(v)));
    return arith::TruncFOp::create(b, wide(config.elementType), v);
  }
  /// The bits of the f16 nearest `v` (f32; ties to even) in the low half of
  /// an i32, computed with integer operations: the exponent rebiased and the
  /// 13 dropped mantissa bits rounded by adding 0xFFF plus the lowest kept
  /// bit; below 2^-14 an f32 addition of 0.5 rounds to the subnormal step
  /// (2^-24); from 65520 on, infinity; NaN stays a quiet NaN.
  Value f16Bits(Value v) {
    Type i32 = wide(b.getI32Type());
    auto ult = [&](Value lhs, Value rhs) {
      return arith::CmpIOp::create(b, arith::CmpIPredicate::ult, lhs, rhs);
    };
    Value bits = arith::BitcastOp::create(b, i32, v);
    Value magnitude = arith::AndIOp::create(b, bits, intConstant(0x7FFFFFFF));
    Value sign = arith::AndIOp::create(
        b, arith::ShRUIOp::create(b, bits, intConstant(16)),
        intConstant(0x8000));
    Value lowestKept = arith::AndIOp::create(
        b, arith::ShRUIOp::create(b, magnitude, intConstant(13)),
        intConstant(1));
    Value normal = arith::ShRUIOp::create(
        b,
        arith::AddIOp::create(
            b,
            arith::AddIOp::create(b, magnitude,
                                  intConstant(0xFFF - 0x38000000)),
            lowestKept),
        intConstant(13));
    Value half = constant(accType, b.getFloatAttr(accType, 0.5));
    Value subnormal = arith::SubIOp::create(
        b,
        arith::BitcastOp::create(
            b, i32,
            arith::AddFOp::create(
                b, arith::BitcastOp::create(b, wide(accType), magnitude),
                half)),
        intConstant(0x3F000000));
    Value result = arith::SelectOp::create(
        b, ult(magnitude, intConstant(0x38800000)), subnormal, normal);
    result = arith::SelectOp::create(
        b, ult(magnitude, intConstant(0x477FF000)), result,
        intConstant(0x7C00));
    result = arith::SelectOp::create(
        b, ult(intConstant(0x7F800000), magnitude), intConstant(0x7E00),
        result);
    return arith::OrIOp::create(b, result, sign);
  }
  /// The sum of `terms`, pairwise.
  Value pairwiseSum(SmallVector<Value> terms) {
    while (terms.size() > 1) {
      SmallVector<Value> next;
      for (size_t i = 0; i + 1 < terms.size(); i += 2)
        next.push_back(arith::AddFOp::create(b, terms[i], terms[i + 1]));
      if (terms.size() % 2)
        next.push_back(terms.back());
      terms = std::move(next);
    }
    return terms.front();
  }
  /// The sum of the lanes of `v`, pairwise.
  Value horizontalSum(Value v) {
    if (config.vectorWidth == 1)
      return v;
    SmallVector<Value> lanes;
    for (int64_t i = 0; i < config.vectorWidth; ++i)
      lanes.push_back(vector::ExtractOp::create(b, v, i));
    return pairwiseSum(std::move(lanes));
  }
  /// `scf.for %j = lb to ub step s iter_args(init)` with `body`, returning
  /// the loop's results, or `init` when it runs no iteration. The guard is
  /// needed: the SPIR-V lowering of scf.for leaves the results of a loop
  /// that runs no iteration undefined instead of equal to its inits.
  SmallVector<Value>
  guardedFor(Value lb, Value ub, Value s, ValueRange init,
             function_ref<SmallVector<Value>(Value, ValueRange)> body) {
    auto loop = [&]() {
      auto forOp = scf::ForOp::create(
          b, lb, ub, s, init,
          [&](OpBuilder &, Location, Value j, ValueRange acc) {
            scf::YieldOp::create(b, body(j, acc));
          });
      return SmallVector<Value>(forOp.getResults());
    };
    if (init.empty())
      return loop();
    Value runs = arith::CmpIOp::create(b, arith::CmpIPredicate::ult, lb, ub);
    auto guard = scf::IfOp::create(
        b, runs,
        [&](OpBuilder &, Location) { scf::YieldOp::create(b, loop()); },
        [&](OpBuilder &, Location) { scf::YieldOp::create(b, init); });
    return SmallVector<Value>(guard.getResults());
  }

  /// How `lanes` invocations, the one at `lane` among them, split a row of
  /// `length` units: `lane`, `lane + lanes`, ... in a main loop taking
  /// `kUnroll` units per iteration while all are in the row (fewer loop
  /// iterations per invocation: lavapipe caps them at 65535 in total) and a
  /// short loop for the rest; no per-unit condition.
  struct Stride {
    Value lane, lanes, length;
    Value span;  // lanes * kUnroll: the main loop's step
    Value limit; // the main loop runs while its first unit is below this
    Value rest;  // the first unit of the rest loop
  };
  Stride stride(Value lane, Value lanes, Value length) {
    Stride s{lane, lanes, length, {}, {}, {}};
    s.span = arith::MulIOp::create(b, lanes, index(kUnroll));
    Value reach = arith::MulIOp::create(b, lanes, index(kUnroll - 1));
    s.limit = arith::SelectOp::create(
        b, arith::CmpIOp::create(b, arith::CmpIPredicate::ugt, length, reach),
        arith::SubIOp::create(b, length, reach), index(0));
    // ceildiv, spelled with divui: SPIR-V has no ceildivui.
    Value skipped = arith::DivUIOp::create(
        b,
        arith::AddIOp::create(
            b,
            arith::SubIOp::create(b, arith::MaxUIOp::create(b, s.limit, lane),
                                  lane),
            arith::SubIOp::create(b, s.span, index(1))),
        s.span);
    s.rest = arith::AddIOp::create(b, lane,
                                   arith::MulIOp::create(b, skipped, s.span));
    return s;
  }
  /// The unit `u` places after `j` in this invocation's sequence.
  Value unitAfter(const Stride &s, Value j, int64_t u) {
    if (u == 0)
      return j;
    return arith::AddIOp::create(
        b, j, arith::MulIOp::create(b, s.lanes, index(u)));
  }
  /// The subgroups of a workgroup, the last one possibly partial. Not
  /// gpu.num_subgroups: lavapipe rounds NumSubgroups down when the
  /// workgroup size is not a multiple of the subgroup size.
  Value numSubgroups() {
    Value size = gpu::SubgroupSizeOp::create(b, nullptr);
    return arith::DivUIOp::create(
        b, arith::AddIOp::create(b, size, index(config.workgroupSize - 1)),
        size);
  }
  /// This invocation's sum of squares over its units of the row at `base`.
  Value partialSumOfSquares(Value x, Value base, const Stride &s);
  /// 1 / sqrt(sumOfSquares / n + epsilon).
  Value scaleOf(Value sumOfSquares, Value n);
  /// The sum of `partial` over the workgroup, the same in every invocation:
  /// each subgroup adds its partials, its first lane publishes the sum in
  /// `shared` (one entry per subgroup), the workgroup meets at one barrier,
  /// and every invocation adds the subgroups' sums in the same order.
  Value workgroupSum(Value partial, Value shared);
  /// The sum of `partial` over the `rowLanes` lanes of a row: a butterfly
  /// of xor shuffles, after which every lane holds the same sum (each step
  /// adds the same two values, in either order).
  Value addAcrossLanes(Value partial);
  /// Writes this invocation's units of the row at `base`, scaled.
  void scaleRow(Value x, Value w, Value y, Value base, const Stride &s,
                Value scale);
  /// Stores `unitAt(k) * scale [* w[positions[k]]]`, rounded, at
  /// y[base + positions[k]] (where `stored[k]`, if given) for each of the
  /// positions. Unit k is x at `first + k * s.lanes` (clamped to the row, or
  /// past its end where not stored). With denormal-fixup=1, the group is
  /// computed again without f32 denormals if a result comes out zero or NaN.
  void storeUnits(function_ref<Value(int64_t)> unitAt,
                  ArrayRef<Value> positions, ArrayRef<Value> stored,
                  Value first, const Stride &s, Value x, Value w, Value y,
                  Value base, Value scale);
  /// Whether `normalizeRow` keeps the row in registers. `Owned` is `Always`
  /// for a row that one invocation owns: units past the row's end are
  /// clamped to its last unit (read again, and stored again with the same
  /// value) instead of branched around, so the kernel has no branch whose
  /// condition depends on the sizes alone. Lavapipe specializes a kernel on
  /// the uniform values such branches read and, when that halves the
  /// kernel, compiles the specialized kernel again at every dispatch
  /// (about 1 ms; docs/Rationale.md).
  enum class Registers { Never, Always, IfItFits, Owned };
  /// Normalizes the row of `n` elements at `base` with the invocations of
  /// `s`; `reduce` adds their partial sums of squares. In registers, the
  /// row is read once (`held` units per invocation at most); streamed,
  /// twice.
  void normalizeRow(Value x, Value w, Value y, Value base, Value n,
                    const Stride &s, Registers registers, int64_t held,
                    function_ref<Value(Value)> reduce);

  ImplicitLocOpBuilder &b;
  const KernelConfig &config;
  FloatType accType;
};
} // namespace

Value KernelBuilder::partialSumOfSquares(Value x, Value base,
                                         const Stride &s) {
  // The sum of squares is blocked rather than compensated: shader compilers
  // may simplify the algebra of a compensated sum away (ops are not
  // `exact`), but they keep the order of a blocked one. `kUnroll`
  // accumulators each take `kBlock` squares, are summed pairwise, and the
  // block sum joins the running sum: its error stays flat with the row
  // length.
  auto square = [&](Value j) {
    Value v = loadWide(x, arith::AddIOp::create(b, base, j));
    return arith::MulFOp::create(b, v, v).getResult();
  };
  Value zero = accConstant(0.0);
  Value blockSpan = arith::MulIOp::create(b, s.span, index(kBlock));
  SmallVector<Value> blocks = guardedFor(
      s.lane, s.limit, blockSpan, ValueRange{zero},
      [&](Value jb, ValueRange acc) {
        Value blockEnd = arith::MinUIOp::create(
            b, arith::AddIOp::create(b, jb, blockSpan), s.limit);
        SmallVector<Value> zeros(kUnroll, zero);
        SmallVector<Value> lanes = guardedFor(
            jb, blockEnd, s.span, zeros, [&](Value j, ValueRange sums) {
              SmallVector<Value> next;
              for (int64_t u = 0; u < kUnroll; ++u)
                next.push_back(arith::AddFOp::create(
                    b, sums[u], square(unitAfter(s, j, u))));
              return next;
            });
        Value block = arith::AddFOp::create(
            b, arith::AddFOp::create(b, lanes[0], lanes[1]),
            arith::AddFOp::create(b, lanes[2], lanes[3]));
        return SmallVector<Value>{arith::AddFOp::create(b, acc[0], block)};
      });
  SmallVector<Value> tail = guardedFor(
      s.rest, s.length, s.lanes, ValueRange{zero},
      [&](Value j, ValueRange acc) {
        return SmallVector<Value>{arith::AddFOp::create(b, acc[0], square(j))};
      });
  return horizontalSum(arith::AddFOp::create(b, blocks[0], tail[0]));
}

Value KernelBuilder::addAcrossLanes(Value partial) {
  // The shuffle's width must be the target environment's nominal subgroup
  // size for the SPIR-V lowering, which ignores it otherwise: the offsets
  // stay below `rowLanes`, which the subgroup holds a multiple of.
  Value width = arith::ConstantOp::create(
      b,
      b.getI32IntegerAttr(
          spirv::getDefaultResourceLimits(b.getContext()).getSubgroupSize()));
  for (int64_t offset = config.rowLanes / 2; offset >= 1; offset /= 2) {
    auto other = gpu::ShuffleOp::create(
        b, partial,
        arith::ConstantOp::create(b, b.getI32IntegerAttr(offset)), width,
        gpu::ShuffleMode::XOR);
    partial = arith::AddFOp::create(b, partial, other.getShuffleResult());
  }
  return partial;
}

Value KernelBuilder::workgroupSum(Value partial, Value shared) {
  Value subgroupSum = gpu::SubgroupReduceOp::create(
      b, partial, gpu::AllReduceOperation::ADD, /*uniform=*/false);
  Value firstLane = arith::CmpIOp::create(
      b, arith::CmpIPredicate::eq, gpu::LaneIdOp::create(b, nullptr), index(0));
  scf::IfOp::create(b, firstLane, [&](OpBuilder &, Location) {
    memref::StoreOp::create(b, subgroupSum, shared,
                            ValueRange{gpu::SubgroupIdOp::create(b, nullptr)});
    scf::YieldOp::create(b);
  });
  gpu::BarrierOp::create(b);
  SmallVector<Value> total = guardedFor(
      index(0), numSubgroups(), index(1),
      ValueRange{arith::ConstantOp::create(b, b.getFloatAttr(accType, 0))},
      [&](Value k, ValueRange acc) {
        return SmallVector<Value>{arith::AddFOp::create(
            b, acc[0], memref::LoadOp::create(b, shared, ValueRange{k}))};
      });
  return total[0];
}

Value KernelBuilder::scaleOf(Value sumOfSquares, Value n) {
  Value count = arith::UIToFPOp::create(
      b, accType, arith::IndexCastUIOp::create(b, b.getI32Type(), n));
  Value mean = arith::DivFOp::create(b, sumOfSquares, count);
  Value shifted = arith::AddFOp::create(
      b, mean,
      arith::ConstantOp::create(b, b.getFloatAttr(accType, config.epsilon)));
  return arith::DivFOp::create(
      b, arith::ConstantOp::create(b, b.getFloatAttr(accType, 1.0)),
      math::SqrtOp::create(b, shifted));
}

void KernelBuilder::storeUnits(function_ref<Value(int64_t)> unitAt,
                              ArrayRef<Value> positions,
                              ArrayRef<Value> stored, Value first,
                              const Stride &s, Value x, Value w, Value y,
                              Value base, Value scale) {
  bool fixes = config.denormalFixup != 0 && accType.isF32() &&
               !config.elementType.isF16();
  bool redoes = fixes && config.denormalFixup == 1;
  // `v * scale [* w]` of a unit, and with `redoes` whether a lane came out
  // zero or NaN.
  auto scaledUnit = [&](Value v, Value j) -> std::pair<Value, Value> {
    if (fixes && !redoes)
      return {scaledWithoutDenormals(v, scale, w ? loadWide(w, j) : Value()),
              Value()};
    Value scaled = arith::MulFOp::create(b, v, scale);
    if (w)
      scaled = arith::MulFOp::create(b, scaled, loadWide(w, j));
    if (!redoes)
      return {scaled, Value()};
    Value magnitude = arith::AndIOp::create(
        b, arith::BitcastOp::create(b, wide(b.getI32Type()), scaled),
        intConstant(0x7FFFFFFF));
    Value zeroOrNaN = compare(
        arith::CmpIPredicate::uge,
        arith::SubIOp::create(b, magnitude, intConstant(1)), 0x7F800000);
    return {scaled, anyLane(zeroOrNaN)};
  };
  auto storeAt = [&](size_t k, Value result) {
    storeNarrow(result, y, arith::AddIOp::create(b, base, positions[k]));
  };
  // `body` for unit k, under `stored[k]` if given.
  auto whereStored = [&](size_t k, function_ref<void()> body) {
    if (stored.empty())
      return body();
    scf::IfOp::create(b, stored[k], [&](OpBuilder &, Location) {
      body();
      scf::YieldOp::create(b);
    });
  };
  // Without a redo, each unit is stored as soon as it is scaled.
  if (!redoes) {
    for (size_t k = 0; k < positions.size(); ++k)
      whereStored(k, [&]() {
        storeAt(k, scaledUnit(unitAt(k), positions[k]).first);
      });
    return;
  }
  SmallVector<Value> results;
  Value redo;
  for (size_t k = 0; k < positions.size(); ++k) {
    Value unit = unitAt(k);
    Value result, again;
    if (stored.empty()) {
      std::tie(result, again) = scaledUnit(unit, positions[k]);
    } else {
      // Units past the row's end: no weight to read, nothing to redo.
      auto guarded = scf::IfOp::create(
          b, stored[k],
          [&](OpBuilder &, Location) {
            auto [scaled, zeroOrNaN] = scaledUnit(unit, positions[k]);
            scf::YieldOp::create(b, ValueRange{scaled, zeroOrNaN});
          },
          [&](OpBuilder &, Location) {
            scf::YieldOp::create(
                b, ValueRange{unit, arith::ConstantOp::create(
                                        b, b.getBoolAttr(false))});
          });
      result = guarded.getResult(0);
      again = guarded.getResult(1);
    }
    results.push_back(result);
    redo = redo ? arith::OrIOp::create(b, redo, again).getResult() : again;
  }
  auto storeAll = [&]() {
    for (size_t k = 0; k < results.size(); ++k)
      whereStored(k, [&]() { storeAt(k, results[k]); });
  };
  // A device that flushes f32 denormals turns every result they touch into
  // a zero (or, times an infinite weight, a NaN). If one came out so, the
  // group's units are computed again with the exponents in integers, read
  // again (nothing is stored yet: y may be x), in a loop: one copy of that
  // code per group, off the common path.
  ifThenElse(
      b, redo,
      [&]() {
        scf::ForOp::create(
            b, index(0), index(positions.size()), index(1), ValueRange{},
            [&](OpBuilder &, Location, Value k, ValueRange) {
              Value j = arith::AddIOp::create(
                  b, first, arith::MulIOp::create(b, k, s.lanes));
              Value inRow = arith::CmpIOp::create(b, arith::CmpIPredicate::ult,
                                                  j, s.length);
              scf::IfOp::create(b, inRow, [&](OpBuilder &, Location) {
                Value at = arith::AddIOp::create(b, base, j);
                Value weight = w ? loadWide(w, j) : Value();
                storeNarrow(scaledWithoutDenormals(loadWide(x, at), scale,
                                                   weight),
                            y, at);
                scf::YieldOp::create(b);
              });
              scf::YieldOp::create(b);
            });
      },
      storeAll);
}

Value KernelBuilder::anyLane(Value condition) {
  auto vectorType = dyn_cast<VectorType>(condition.getType());
  if (!vectorType)
    return condition;
  Value any = vector::ExtractOp::create(b, condition, 0);
  for (int64_t i = 1; i < vectorType.getNumElements(); ++i)
    any = arith::OrIOp::create(b, any,
                               vector::ExtractOp::create(b, condition, i));
  return any;
}

std::pair<Value, Value> KernelBuilder::splitExponent(Value v) {
  using arith::CmpIPredicate;
  Type i32 = wide(b.getI32Type());
  Value bits = arith::BitcastOp::create(b, i32, v);
  Value sign = arith::AndIOp::create(b, bits, intConstant(0x80000000));
  Value exponent = exponentField(bits);
  Value mantissa = arith::AndIOp::create(b, bits, intConstant(0x7FFFFF));
  // A denormal is its mantissa (an integer below 2^23, exact in f32) times
  // 2^-149: that integer's significand and exponent, less 149.
  Value asInteger = arith::BitcastOp::create(
      b, i32, arith::UIToFPOp::create(b, wide(accType), mantissa));
  Value denormalExponent = arith::SubIOp::create(
      b, exponentField(asInteger), intConstant(127 + 149));
  Value isDenormal = compare(CmpIPredicate::eq, exponent, 0);
  Value fraction = arith::SelectOp::create(
      b, isDenormal, arith::AndIOp::create(b, asInteger, intConstant(0x7FFFFF)),
      mantissa);
  Value significand = arith::OrIOp::create(
      b, arith::OrIOp::create(b, sign, intConstant(0x3F800000)), fraction);
  Value unbiased = arith::SelectOp::create(
      b, isDenormal, denormalExponent,
      arith::SubIOp::create(b, exponent, intConstant(127)));
  // Zeros, infinities and NaNs stay as they are, with an exponent of 0.
  Value kept = arith::OrIOp::create(
      b, compare(CmpIPredicate::eq, exponent, 0xFF),
      compare(CmpIPredicate::eq,
              arith::AndIOp::create(b, bits, intConstant(0x7FFFFFFF)), 0));
  significand = arith::SelectOp::create(b, kept, bits, significand);
  unbiased = arith::SelectOp::create(b, kept, intConstant(0), unbiased);
  return {arith::BitcastOp::create(b, wide(accType), significand), unbiased};
}

Value KernelBuilder::scaledWithoutDenormals(Value v, Value scale,
                                            Value weight) {
  Type i32 = wide(b.getI32Type());
  // The significands multiplied as the fast path multiplies the values (the
  // same f32 roundings: they differ by powers of two), the exponents added.
  auto [product, exponent] = splitExponent(v);
  auto [scaleSignificand, scaleExponent] = splitExponent(scale);
  product = arith::MulFOp::create(b, product, scaleSignificand);
  exponent = arith::AddIOp::create(b, exponent, scaleExponent);
  if (weight) {
    auto [weightSignificand, weightExponent] = splitExponent(weight);
    product = arith::MulFOp::create(b, product, weightSignificand);
    exponent = arith::AddIOp::create(b, exponent, weightExponent);
  }
  // The product's biased exponent moved by `exponent`: a normal f32 where
  // it stays within 1..254, infinity above, a denormal below (the 24-bit
  // significand shifted right by 1 - biased, rounded to nearest even).
  Value bits = arith::BitcastOp::create(b, i32, product);
  Value sign = arith::AndIOp::create(b, bits, intConstant(0x80000000));
  Value productExponent = exponentField(bits);
  Value biased = arith::AddIOp::create(b, productExponent, exponent);
  Value normal = arith::AddIOp::create(
      b, bits, arith::ShLIOp::create(b, exponent, intConstant(23)));
  Value infinite = arith::OrIOp::create(b, sign, intConstant(0x7F800000));
  Value significand = arith::OrIOp::create(
      b, arith::AndIOp::create(b, bits, intConstant(0x7FFFFF)),
      intConstant(0x800000));
  Value shift = arith::MaxSIOp::create(
      b,
      arith::MinSIOp::create(
          b, arith::SubIOp::create(b, intConstant(1), biased), intConstant(25)),
      intConstant(1));
  Value lowestKept = arith::AndIOp::create(
      b, arith::ShRUIOp::create(b, significand, shift), intConstant(1));
  Value bias = arith::SubIOp::create(
      b, arith::ShLIOp::create(
             b, intConstant(1),
             arith::SubIOp::create(b, shift, intConstant(1))),
      intConstant(1));
  Value denormal = arith::OrIOp::create(
      b, sign,
      arith::ShRUIOp::create(
          b,
          arith::AddIOp::create(
              b, significand, arith::AddIOp::create(b, bias, lowestKept)),
          shift));
  Value result = arith::SelectOp::create(
      b, compare(arith::CmpIPredicate::slt, biased, 1), denormal,
      arith::SelectOp::create(
          b, compare(arith::CmpIPredicate::slt, biased, 255), normal,
          infinite));
  // A zero, infinite or NaN product is the result.
  Value special = arith::OrIOp::create(
      b, compare(arith::CmpIPredicate::eq, productExponent, 0),
      compare(arith::CmpIPredicate::eq, productExponent, 0xFF));
  result = arith::SelectOp::create(b, special, bits, result);
  return arith::BitcastOp::create(b, wide(accType), result);
}

void KernelBuilder::normalizeRow(Value x, Value w, Value y, Value base,
                                 Value n, const Stride &s, Registers registers,
                                 int64_t held,
                                 function_ref<Value(Value)> reduce) {
  auto streamed = [&]() {
    Value total = reduce(partialSumOfSquares(x, base, s));
    scaleRow(x, w, y, base, s, scaleOf(total, n));
  };
  auto inRegisters = [&]() {
    // Unit k of this invocation is lane + k * lanes, loaded into a register
    // once. Past the row's end it is zero and not stored or, in an owned
    // row, the row's last unit, left out of the sum and stored again.
    bool owned = registers == Registers::Owned;
    Value zero = accConstant(0.0);
    Value last = owned ? arith::SubIOp::create(b, s.length, index(1)) : Value();
    SmallVector<Value> units, positions, inRow, squares;
    for (int64_t k = 0; k < held; ++k) {
      Value j = unitAfter(s, s.lane, k);
      Value in =
          arith::CmpIOp::create(b, arith::CmpIPredicate::ult, j, s.length);
      if (owned) {
        positions.push_back(arith::MinUIOp::create(b, j, last));
        units.push_back(
            loadWide(x, arith::AddIOp::create(b, base, positions.back())));
        Value square = arith::MulFOp::create(b, units.back(), units.back());
        if (config.vectorWidth > 1)
          in = vector::BroadcastOp::create(
              b, VectorType::get({config.vectorWidth}, b.getI1Type()), in);
        squares.push_back(arith::SelectOp::create(b, in, square, zero));
        continue;
      }
      auto load = scf::IfOp::create(
          b, in,
          [&](OpBuilder &, Location) {
            scf::YieldOp::create(
                b, loadWide(x, arith::AddIOp::create(b, base, j)));
          },
          [&](OpBuilder &, Location) { scf::YieldOp::create(b, zero); });
      units.push_back(load.getResult(0));
      positions.push_back(j);
      inRow.push_back(in);
      squares.push_back(arith::MulFOp::create(b, units.back(), units.back()));
    }
    Value total = reduce(horizontalSum(pairwiseSum(std::move(squares))));
    Value scale = scaleOf(total, n);
    if (config.vectorWidth > 1)
      scale = vector::BroadcastOp::create(b, wide(accType), scale);
    storeUnits([&](int64_t k) { return units[k]; }, positions, inRow, s.lane,
               s, x, w, y, base, scale);
  };
  if (registers == Registers::Never || held == 0)
    return streamed();
  if (registers == Registers::Always || registers == Registers::Owned)
    return inRegisters();
  // Whether the row fits is the same for all invocations of `s` (the
  // reduction's participants).
  Value fits = arith::CmpIOp::create(
      b, arith::CmpIPredicate::ule, s.length,
      arith::MulIOp::create(b, s.lanes, index(held)));
  ifThenElse(b, fits, inRegisters, streamed);
}

void KernelBuilder::scaleRow(Value x, Value w, Value y, Value base,
                             const Stride &s, Value scale) {
  if (config.vectorWidth > 1)
    scale = vector::BroadcastOp::create(b, wide(accType), scale);
  auto body = [&](Value j, int64_t count) {
    SmallVector<Value> positions;
    for (int64_t u = 0; u < count; ++u)
      positions.push_back(unitAfter(s, j, u));
    storeUnits(
        [&](int64_t k) {
          return loadWide(x, arith::AddIOp::create(b, base, positions[k]));
        },
        positions, {}, j, s, x, w, y, base, scale);
    return SmallVector<Value>{};
  };
  guardedFor(s.lane, s.limit, s.span, ValueRange{},
             [&](Value j, ValueRange) { return body(j, kUnroll); });
  guardedFor(s.rest, s.length, s.lanes, ValueRange{},
             [&](Value j, ValueRange) { return body(j, 1); });
}

gpu::GPUFuncOp KernelBuilder::build(StringRef name) {
  MLIRContext *ctx = b.getContext();
  auto buffer =
      MemRefType::get({ShapedType::kDynamic}, bufferUnit());
  // x, [w,] y, rows, n; the split paths add the partial sums before rows,
  // and the first of them needs neither w nor y.
  bool split = config.path == RowPath::SplitSums ||
               config.path == RowPath::SplitScale;
  bool scales = config.path != RowPath::SplitSums;
  SmallVector<Type> args = {buffer};
  if (scales && config.hasWeight)
    args.push_back(buffer);
  if (scales)
    args.push_back(buffer);
  if (split)
    args.push_back(MemRefType::get({ShapedType::kDynamic}, accType));
  args.append({b.getIndexType(), b.getIndexType()});
  auto func = gpu::GPUFuncOp::create(b, name, b.getFunctionType(args, {}));
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  func->setAttr(spirv::getEntryPointABIAttrName(),
                spirv::getEntryPointABIAttr(
                    ctx, {static_cast<int32_t>(config.workgroupSize), 1, 1}));
  // The launch geometry and the host's choice of kernel, for hosts that
  // read the kernels without the host code (the Metal manifest of
  // `rms-translate --mlir-to-msl`): the path, rows per workgroup, the
  // longest short row and the longest row kept in registers (0: none).
  int64_t rowsPerWorkgroup = 1;
  if (config.path == RowPath::Short)
    rowsPerWorkgroup = config.rowsPerWorkgroup;
  if (config.path == RowPath::PerInvocation)
    rowsPerWorkgroup = config.workgroupSize / config.rowLanes;
  func->setAttr(kPathAttr, b.getStringAttr(pathName(config.path)));
  func->setAttr(kRowsPerWorkgroupAttr, b.getI64IntegerAttr(rowsPerWorkgroup));
  // A kernel for one static row length records the longest row it holds.
  int64_t invocationRowLimit = config.invocationRowLimit;
  int64_t registerRowLimit = config.registerRowLimit;
  if (config.heldUnits && config.path == RowPath::PerInvocation)
    invocationRowLimit =
        config.rowLanes * config.heldUnits * config.vectorWidth;
  if (config.heldUnits && config.path == RowPath::InRegisters)
    registerRowLimit =
        config.workgroupSize * config.heldUnits * config.vectorWidth;
  func->setAttr(kInvocationRowLimitAttr,
                b.getI64IntegerAttr(invocationRowLimit));
  func->setAttr(kShortRowLimitAttr,
                b.getI64IntegerAttr(config.shortRowLimit));
  func->setAttr(kRegisterRowLimitAttr, b.getI64IntegerAttr(registerRowLimit));
  // Binding i of set 0 for argument i; the sizes in uniform buffers.
  for (auto [i, type] : llvm::enumerate(args)) {
    std::optional<spirv::StorageClass> storage;
    if (type.isIndex())
      storage = spirv::StorageClass::Uniform;
    func.setArgAttr(i, spirv::getInterfaceVarABIAttrName(),
                    spirv::getInterfaceVarABIAttr(0, i, storage, ctx));
  }

  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&func.getBody().front());
  ValueRange params = func.getArguments();
  Value x = params[0];
  Value w = scales && config.hasWeight ? params[1] : Value();
  Value y = scales ? params[config.hasWeight ? 2 : 1] : Value();
  Value partials = split ? params[params.size() - 3] : Value();
  Value rows = params[params.size() - 2];
  Value n = params[params.size() - 1];
  // The row length in units of `vectorWidth` elements.
  Value units = config.vectorWidth == 1
                    ? n
                    : arith::DivUIOp::create(b, n, index(config.vectorWidth));

  Value group = arith::AddIOp::create(
      b,
      arith::MulIOp::create(b, gpu::BlockIdOp::create(b, gpu::Dimension::y),
                            gpu::GridDimOp::create(b, gpu::Dimension::x)),
      gpu::BlockIdOp::create(b, gpu::Dimension::x));

  // One partial sum per subgroup, in workgroup memory (address space 3);
  // subgroups have at least one invocation, so workgroup-size entries do.
  auto allocShared = [&]() -> Value {
    return memref::AllocOp::create(
        b, MemRefType::get({config.workgroupSize}, accType, AffineMap(),
                           b.getI64IntegerAttr(3)));
  };
  // A long row: the whole workgroup strides over it, adds per subgroup,
  // publishes each subgroup's sum from its first lane in workgroup memory,
  // meets at one barrier, and every invocation adds the subgroups' sums in
  // the same order (the same scale, for any subgroup size).
  auto normalizeRowPerWorkgroup = [&](Registers registers) {
    Value shared = allocShared();
    // `group` is the same for the whole workgroup, so the barrier below is
    // reached by all of its invocations or by none.
    Value inRange =
        arith::CmpIOp::create(b, arith::CmpIPredicate::ult, group, rows);
    scf::IfOp::create(b, inRange, [&](OpBuilder &, Location) {
      Value base = arith::MulIOp::create(b, group, units);
      Stride s = stride(gpu::ThreadIdOp::create(b, gpu::Dimension::x),
                        index(config.workgroupSize), units);
      int64_t held = config.heldUnits ? config.heldUnits : config.rowRegisters;
      normalizeRow(
          x, w, y, base, n, s, registers, held,
          [&](Value partial) { return workgroupSum(partial, shared); });
      scf::YieldOp::create(b);
    });
  };
  // Short rows: the workgroup takes `rowsPerWorkgroup` of them, and each
  // subgroup normalizes whole rows in turn: a subgroup reduction, no
  // workgroup memory, no barrier. (The last subgroup may be partial.)
  auto normalizeRowsPerSubgroup = [&]() {
    Value subgroup = gpu::SubgroupIdOp::create(b, nullptr);
    Value subgroupSize = gpu::SubgroupSizeOp::create(b, nullptr);
    Value lanes = arith::MinUIOp::create(
        b, subgroupSize,
        arith::SubIOp::create(
            b, index(config.workgroupSize),
            arith::MulIOp::create(b, subgroup, subgroupSize)));
    Value lane = gpu::LaneIdOp::create(b, nullptr);
    Value first = arith::MulIOp::create(b, group,
                                        index(config.rowsPerWorkgroup));
    Stride s = stride(lane, lanes, units);
    scf::ForOp::create(
        b, subgroup, index(config.rowsPerWorkgroup),
        numSubgroups(), ValueRange{},
        [&](OpBuilder &, Location, Value r, ValueRange) {
          Value row = arith::AddIOp::create(b, first, r);
          Value inRange =
              arith::CmpIOp::create(b, arith::CmpIPredicate::ult, row, rows);
          scf::IfOp::create(b, inRange, [&](OpBuilder &, Location) {
            Value base = arith::MulIOp::create(b, row, units);
            normalizeRow(x, w, y, base, n, s, Registers::IfItFits,
                         config.rowRegisters, [&](Value partial) {
              return gpu::SubgroupReduceOp::create(
                         b, partial, gpu::AllReduceOperation::ADD,
                         /*uniform=*/false)
                  .getResult();
            });
            scf::YieldOp::create(b);
          });
          scf::YieldOp::create(b);
        });
  };
  // Tiny rows: `rowLanes` invocations of a subgroup normalize a row of
  // their own, each holding its units (lane, lane + rowLanes, ...) in
  // registers, and add their sums with a butterfly of subgroup shuffles; a
  // row per invocation needs no cross-invocation step at all.
  auto normalizeRowPerInvocation = [&]() {
    int64_t lanes = config.rowLanes;
    // The invocation's place in the workgroup, counted subgroup by subgroup
    // so that the lanes of a row are in one subgroup.
    Value invocation = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
    if (lanes > 1)
      invocation = arith::AddIOp::create(
          b,
          arith::MulIOp::create(b, gpu::SubgroupIdOp::create(b, nullptr),
                                gpu::SubgroupSizeOp::create(b, nullptr)),
          gpu::LaneIdOp::create(b, nullptr));
    Value row = arith::AddIOp::create(
        b,
        arith::MulIOp::create(b, group,
                              index(config.workgroupSize / lanes)),
        lanes > 1 ? arith::DivUIOp::create(b, invocation, index(lanes))
                  : invocation);
    // An empty row has no last unit to clamp to.
    Value inRange = arith::AndIOp::create(
        b, arith::CmpIOp::create(b, arith::CmpIPredicate::ult, row, rows),
        arith::CmpIOp::create(b, arith::CmpIPredicate::ne, units, index(0)));
    scf::IfOp::create(b, inRange, [&](OpBuilder &, Location) {
      Value base = arith::MulIOp::create(b, row, units);
      // The row is read once: its units fit the registers the limit
      // implies (up to 64 per invocation).
      int64_t held = config.heldUnits
                         ? config.heldUnits
                         : llvm::divideCeil(config.invocationRowLimit,
                                            config.vectorWidth * lanes);
      if (lanes == 1) {
        Stride s = stride(index(0), index(1), units);
        normalizeRow(x, w, y, base, n, s, Registers::Owned, held,
                     [](Value partial) { return partial; });
      } else {
        // Units past the row's end are skipped: whether a unit is in the
        // row depends on the lane, so no branch depends on sizes alone.
        Stride s = stride(arith::RemUIOp::create(b, invocation, index(lanes)),
                          index(lanes), units);
        normalizeRow(x, w, y, base, n, s, Registers::Always, held,
                     [&](Value partial) { return addAcrossLanes(partial); });
      }
      scf::YieldOp::create(b);
    });
  };
  // A very long row in chunks, a workgroup per chunk: the chunk's units
  // from `start` (in the row) to `end`, strided over by the workgroup.
  auto forEachChunk = [&](function_ref<void(Value base, const Stride &s,
                                            Value row, Value chunks,
                                            Value shared)>
                              body) {
    Value shared = allocShared();
    Value chunk = index(config.splitChunk);
    Value chunks = arith::DivUIOp::create(
        b, arith::AddIOp::create(b, units, index(config.splitChunk - 1)),
        chunk);
    // The same for the whole workgroup: its barriers are reached by all of
    // its invocations or by none.
    Value inRange = arith::CmpIOp::create(
        b, arith::CmpIPredicate::ult, group,
        arith::MulIOp::create(b, rows, chunks));
    scf::IfOp::create(b, inRange, [&](OpBuilder &, Location) {
      Value row = arith::DivUIOp::create(b, group, chunks);
      Value start = arith::MulIOp::create(
          b, arith::RemUIOp::create(b, group, chunks), chunk);
      Value end = arith::MinUIOp::create(
          b, arith::AddIOp::create(b, start, chunk), units);
      Stride s = stride(
          arith::AddIOp::create(b, start,
                                gpu::ThreadIdOp::create(b, gpu::Dimension::x)),
          index(config.workgroupSize), end);
      body(arith::MulIOp::create(b, row, units), s, row, chunks, shared);
      scf::YieldOp::create(b);
    });
  };
  auto sumChunks = [&]() {
    forEachChunk([&](Value base, const Stride &s, Value, Value,
                     Value shared) {
      Value total =
          workgroupSum(partialSumOfSquares(x, base, s), shared);
      Value first = arith::CmpIOp::create(
          b, arith::CmpIPredicate::eq,
          gpu::ThreadIdOp::create(b, gpu::Dimension::x), index(0));
      scf::IfOp::create(b, first, [&](OpBuilder &, Location) {
        memref::StoreOp::create(b, total, partials, ValueRange{group});
        scf::YieldOp::create(b);
      });
    });
  };
  auto scaleChunks = [&]() {
    forEachChunk([&](Value base, const Stride &s, Value row, Value chunks,
                     Value shared) {
      // The row's partial sums, strided over by the workgroup (a loop
      // bound that depends on the invocation: see `Registers::Owned`), then
      // added like a row's.
      Value first = arith::MulIOp::create(b, row, chunks);
      SmallVector<Value> mine = guardedFor(
          gpu::ThreadIdOp::create(b, gpu::Dimension::x), chunks,
          index(config.workgroupSize), ValueRange{arith::ConstantOp::create(
              b, b.getFloatAttr(accType, 0.0))},
          [&](Value k, ValueRange acc) {
            return SmallVector<Value>{arith::AddFOp::create(
                b, acc[0],
                memref::LoadOp::create(
                    b, partials,
                    ValueRange{arith::AddIOp::create(b, first, k)}))};
          });
      Value total = workgroupSum(mine[0], shared);
      scaleRow(x, w, y, base, s, scaleOf(total, n));
    });
  };
  switch (config.path) {
  case RowPath::SplitSums:
    sumChunks();
    break;
  case RowPath::SplitScale:
    scaleChunks();
    break;
  case RowPath::PerInvocation:
    normalizeRowPerInvocation();
    break;
  case RowPath::Short:
    normalizeRowsPerSubgroup();
    break;
  case RowPath::Streamed:
    normalizeRowPerWorkgroup(Registers::Never);
    break;
  case RowPath::InRegisters:
    normalizeRowPerWorkgroup(Registers::Always);
    break;
  }
  gpu::ReturnOp::create(b);
  return func;
}

/// `memref` as the kernel's argument of type `argType`: a one-dimensional
/// buffer of dynamic size (it has an identity layout) of the elements, of
/// their bits or of vectors of them (`KernelBuilder::bufferUnit`).
static Value flatten(ImplicitLocOpBuilder &b, Value memref, Type argType) {
  auto type = cast<MemRefType>(memref.getType());
  Value flat = memref;
  if (type.getRank() != 1) {
    SmallVector<ReassociationIndices> all(1);
    for (int64_t dim = 0; dim < type.getRank(); ++dim)
      all.front().push_back(dim);
    flat = memref::CollapseShapeOp::create(b, memref, all);
  }
  Type elementType = type.getElementType();
  auto dynamic = MemRefType::get({ShapedType::kDynamic}, elementType);
  if (flat.getType() != dynamic)
    flat = memref::CastOp::create(b, dynamic, flat);
  // The kernel takes bf16 data as its bits and aligned rows as vectors;
  // memref has no op that changes the element type of a buffer, so the host
  // marks the reinterpretation with a cast that `rms-run` (or any runtime)
  // reads as "same buffer".
  if (flat.getType() == argType)
    return flat;
  return UnrealizedConversionCastOp::create(b, argType, flat).getResult(0);
}

namespace {
struct ConvertRmsToGPUPass
    : public rms::impl::ConvertRmsToGPUBase<ConvertRmsToGPUPass> {
  using ConvertRmsToGPUBase::ConvertRmsToGPUBase;

  void runOnOperation() override;

private:
  /// Whether kernels of `elementType` and `vectorWidth` take the data as
  /// 32-bit words (Vulkan only: Metal loads half4 as it is).
  bool packsHalves(Type elementType, int64_t vectorWidth) {
    return packHalves && target == "vulkan" && vectorWidth == 4 &&
           elementType.getIntOrFloatBitWidth() == 16;
  }
  /// The kernel of `config` in `kernels`, built on first use.
  gpu::GPUFuncOp getKernel(gpu::GPUModuleOp kernels,
                           const KernelConfig &config);
  /// Launches `kernel` on the operands of `op`, `groups` workgroups (a
  /// second grid dimension takes those beyond 65535).
  void launch(ImplicitLocOpBuilder &b, NormOp op, gpu::GPUFuncOp kernel,
              Value groups, Value rows, Value n, Value partials = Value());
};
} // namespace

gpu::GPUFuncOp ConvertRmsToGPUPass::getKernel(gpu::GPUModuleOp kernels,
                                              const KernelConfig &config) {
  // One kernel per variant, vector width and path; epsilon is baked in, so
  // it is in the name, and so are the lanes and units of a kernel for one
  // static row length (`_lane_<lanes>x<units>`, `_reg_<units>`).
  std::string held;
  if (config.heldUnits && config.path == RowPath::PerInvocation)
    held = llvm::formatv("_{0}x{1}", config.rowLanes, config.heldUnits);
  else if (config.heldUnits)
    held = llvm::formatv("_{0}", config.heldUnits);
  std::string name = llvm::formatv(
      "rms_norm_{0}_{1}{2}_{3}{4}_eps{5:x}", config.elementType,
      config.hasWeight ? "w" : "nw",
      config.vectorWidth > 1 ? "_v" + std::to_string(config.vectorWidth) : "",
      pathName(config.path), held, llvm::bit_cast<uint32_t>(config.epsilon));
  if (auto kernel = kernels.lookupSymbol<gpu::GPUFuncOp>(name))
    return kernel;
  ImplicitLocOpBuilder kb(kernels.getLoc(), &getContext());
  kb.setInsertionPointToEnd(kernels.getBody());
  return KernelBuilder(kb, config).build(name);
}

void ConvertRmsToGPUPass::launch(ImplicitLocOpBuilder &b, NormOp op,
                                 gpu::GPUFuncOp kernel, Value groups,
                                 Value rows, Value n, Value partials) {
  // The kernel's arguments: x, [weight,] y, rows, n; the split kernels take
  // the partial sums before rows, and the one that only sums (`_part`)
  // neither the weight nor y.
  bool scales =
      kernel->getAttrOfType<StringAttr>(kPathAttr).getValue() !=
      pathName(RowPath::SplitSums);
  ArrayRef<Type> args = kernel.getArgumentTypes();
  SmallVector<Value> operands = {flatten(b, op.getInput(), args.front())};
  if (scales && op.getWeight())
    operands.push_back(flatten(b, op.getWeight(), args[1]));
  if (scales)
    operands.push_back(flatten(b, op.getInit(), args[operands.size()]));
  if (partials)
    operands.push_back(partials);
  operands.append({rows, n});
  Value one = arith::ConstantIndexOp::create(b, 1);
  Value gridX = arith::MaxUIOp::create(
      b,
      arith::MinUIOp::create(b, groups,
                             arith::ConstantIndexOp::create(b, kMaxGridDim)),
      one);
  Value gridY = arith::CeilDivUIOp::create(b, groups, gridX);
  gpu::LaunchFuncOp::create(
      b, kernel, gpu::KernelDim3{gridX, gridY, one},
      gpu::KernelDim3{arith::ConstantIndexOp::create(b, workgroupSize), one,
                      one},
      /*dynamicSharedMemorySize=*/Value(), operands);
}

/// Emits `onTrue` or `onFalse` under `scf.if %condition`, or only the one
/// taken when the condition is known at compile time.
static void emitChoice(ImplicitLocOpBuilder &b, std::optional<bool> known,
                       function_ref<Value()> condition,
                       function_ref<void()> onTrue,
                       function_ref<void()> onFalse) {
  if (known)
    return *known ? onTrue() : onFalse();
  ifThenElse(b, condition(), onTrue, onFalse);
}

void ConvertRmsToGPUPass::runOnOperation() {
  ModuleOp module = getOperation();
  SmallVector<NormOp> norms;
  module.walk([&](NormOp op) { norms.push_back(op); });
  if (norms.empty())
    return;
  auto optionError = [&](StringRef message) {
    module.emitError("convert-rms-to-gpu: ") << message;
    signalPassFailure();
  };
  if (workgroupSize < 1)
    return optionError("workgroup-size must be >= 1");
  if (rowsPerWorkgroup < 1)
    return optionError("rows-per-workgroup must be >= 1");
  if (shortRowLimit < 0)
    return optionError("short-row-limit must be >= 0");
  if (invocationRowLimit < 0)
    return optionError("invocation-row-limit must be >= 0");
  if (rowRegisters < 0 || rowRegisters > kMaxRowRegisters)
    return optionError("row-registers must be in [0, 64]");
  if (vectorWidth != 1 && vectorWidth != 2 && vectorWidth != 4)
    return optionError("vector-width must be 1, 2 or 4");
  if (rowLanes < 1 || rowLanes > 64 || !llvm::isPowerOf2_64(rowLanes))
    return optionError("row-lanes must be a power of two in [1, 64]");
  if (workgroupSize % rowLanes != 0)
    return optionError("workgroup-size must be a multiple of row-lanes");
  if (splitRowLimit < 0)
    return optionError("split-row-limit must be >= 0");
  if (splitChunk < 1)
    return optionError("split-chunk must be >= 1");
  if (denormalFixup < 0 || denormalFixup > 2)
    return optionError("denormal-fixup must be 0, 1 or 2");
  if (target != "vulkan" && target != "metal")
    return optionError("target must be vulkan or metal, not '" + target +
                       "'");
  bool metal = target == "metal";
  if (metal && splitRowLimit > 0)
    return optionError("split-row-limit is not supported on Metal (its "
                       "manifest describes one dispatch per norm)");
  for (NormOp op : norms) {
    if (!op.hasPureBufferSemantics()) {
      op.emitOpError("must be bufferized before convert-rms-to-gpu");
      return signalPassFailure();
    }
    if (metal && op.getElementType().isF64()) {
      op.emitOpError("with f64 data is not supported on Metal (it has no "
                     "double type)");
      return signalPassFailure();
    }
    for (Value operand : op->getOperands())
      if (!cast<MemRefType>(operand.getType()).getLayout().isIdentity()) {
        op.emitOpError("needs operands with identity layouts on the GPU");
        return signalPassFailure();
      }
  }

  MLIRContext *ctx = &getContext();
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  UnitAttr::get(ctx));
  auto kernels = module.lookupSymbol<gpu::GPUModuleOp>("rms_kernels");
  if (!kernels) {
    OpBuilder top = OpBuilder::atBlockEnd(module.getBody());
    kernels = gpu::GPUModuleOp::create(top, module.getLoc(), "rms_kernels");
    kernels->setAttr(spirv::getTargetEnvAttrName(),
                     kernelTargetEnv(ctx, !metal));
  }

  for (NormOp op : norms) {
    // A static dimension of 0: no element to normalize, nothing to launch
    // (and collapse_shape cannot flatten a buffer with a static 0 and a
    // dynamic size: its inferred type does not verify).
    if (llvm::is_contained(op.getInputType().getShape(), 0)) {
      op.erase();
      continue;
    }
    ImplicitLocOpBuilder b(op.getLoc(), op);
    KernelConfig config{op.getElementType(),
                        op.getWeight() != nullptr,
                        op.getEpsilon().convertToFloat(),
                        /*vectorWidth=*/1,
                        workgroupSize,
                        RowPath::Streamed,
                        rowsPerWorkgroup,
                        rowsPerWorkgroup > 1 ? shortRowLimit : 0,
                        invocationRowLimit,
                        rowRegisters};
    // Rows and row length.
    Value input = op.getInput();
    int64_t rank = op.getInputType().getRank();
    Value rows = arith::ConstantIndexOp::create(b, 1);
    for (int64_t dim = 0; dim + 1 < rank; ++dim)
      rows =
          arith::MulIOp::create(b, rows, memref::DimOp::create(b, input, dim));
    Value n = memref::DimOp::create(b, input, rank - 1);

    // The host picks the kernel by the row length, at compile time when it
    // is static: the vector width dividing it, short rows (several per
    // workgroup), long rows that fit the registers, other long rows. Each
    // kernel then holds only the code its rows run.
    int64_t length = op.getInputType().getShape().back();
    auto whenStatic = [&](auto test) -> std::optional<bool> {
      if (ShapedType::isDynamic(length))
        return std::nullopt;
      return test(length);
    };
    auto constant = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, v);
    };
    // `ifShort` for rows of at most `limit` elements, `otherwise` for others.
    auto byLength = [&](int64_t limit, function_ref<void()> ifShort,
                        function_ref<void()> otherwise) {
      emitChoice(
          b, whenStatic([&](int64_t v) { return v <= limit; }),
          [&]() {
            return arith::CmpIOp::create(b, arith::CmpIPredicate::ule, n,
                                         constant(limit));
          },
          ifShort, otherwise);
    };
    auto launchFor = [&](int64_t width) {
      config.vectorWidth = width;
      config.packHalves = packsHalves(config.elementType, width);
      config.integerF16Rounding = integerF16Rounding;
      config.denormalFixup = denormalFixup;
      // Long rows are longer than short ones: registers are of use only if
      // they hold more than a short row.
      int64_t fit = workgroupSize * rowRegisters * width;
      config.registerRowLimit =
          fit > config.shortRowLimit ? fit : 0;
      // A tiny row is held in at most 64 registers: streamed by one
      // invocation, it would loop on the row length alone, which lavapipe
      // recompiles the kernel for at every dispatch (docs/Rationale.md).
      config.rowLanes = rowLanes;
      config.invocationRowLimit = std::min(invocationRowLimit.getValue(),
                                           kMaxRowRegisters * width * rowLanes);
      auto launchPath = [&](RowPath path) {
        KernelConfig kernel = config;
        kernel.path = path;
        // A static row length on Vulkan: the `_lane` kernel's rows get the
        // lanes they fill (a power of two, up to row-lanes) and the
        // registers they need, the `_reg` kernel's invocations the registers
        // the row needs (an H100 ran 8192x8192 f32 at 2836 GB/s with 8 and
        // 2048x4096 at 2376 with 4, but 2048x4096 at 1592 with 16 and 8192
        // rows streamed at 2401). Metal keeps one kernel per path: its
        // manifest chooses kernels by the row length at run time.
        if (!metal && !ShapedType::isDynamic(length) && length > 0) {
          int64_t units = length / width;
          if (path == RowPath::PerInvocation) {
            kernel.rowLanes = std::min<int64_t>(
                rowLanes, llvm::PowerOf2Ceil(static_cast<uint64_t>(units)));
            kernel.heldUnits = llvm::divideCeil(units, kernel.rowLanes);
          }
          if (path == RowPath::InRegisters)
            kernel.heldUnits = llvm::divideCeil(units, workgroupSize);
        }
        Value groups = rows;
        if (path == RowPath::Short)
          groups = arith::CeilDivUIOp::create(b, rows,
                                              constant(rowsPerWorkgroup));
        if (path == RowPath::PerInvocation)
          groups = arith::CeilDivUIOp::create(
              b, rows, constant(workgroupSize / kernel.rowLanes));
        launch(b, op, getKernel(kernels, kernel), groups, rows, n);
      };
      auto launchLong = [&]() {
        if (config.registerRowLimit == 0)
          return launchPath(RowPath::Streamed);
        byLength(
            config.registerRowLimit,
            [&]() { launchPath(RowPath::InRegisters); },
            [&]() { launchPath(RowPath::Streamed); });
      };
      auto launchNotTiny = [&]() {
        if (rowsPerWorkgroup == 1)
          return launchLong();
        byLength(
            shortRowLimit, [&]() { launchPath(RowPath::Short); }, launchLong);
      };
      auto launchNotSplit = [&]() {
        if (config.invocationRowLimit == 0)
          return launchNotTiny();
        byLength(
            config.invocationRowLimit,
            [&]() { launchPath(RowPath::PerInvocation); }, launchNotTiny);
      };
      // A very long row: a workgroup per chunk of it, its sums of squares
      // through a buffer of partial sums between two kernels.
      auto launchSplit = [&]() {
        config.splitChunk = std::max<int64_t>(splitChunk / width, 1);
        Value units = width == 1 ? n
                                 : arith::DivUIOp::create(b, n, constant(width))
                                       .getResult();
        Value groups = arith::MulIOp::create(
            b, rows,
            arith::CeilDivUIOp::create(b, units, constant(config.splitChunk)));
        Value partials = memref::AllocOp::create(
            b,
            MemRefType::get({ShapedType::kDynamic},
                            accumulatorType(config.elementType)),
            ValueRange{groups});
        // The sums need no weight: one kernel for both variants.
        KernelConfig sums = config;
        sums.path = RowPath::SplitSums;
        sums.hasWeight = false;
        launch(b, op, getKernel(kernels, sums), groups, rows, n, partials);
        config.path = RowPath::SplitScale;
        launch(b, op, getKernel(kernels, config), groups, rows, n, partials);
        memref::DeallocOp::create(b, partials);
      };
      if (splitRowLimit == 0)
        return launchNotSplit();
      byLength(splitRowLimit, launchNotSplit, launchSplit);
    };
    if (vectorWidth == 1) {
      launchFor(1);
    } else {
      emitChoice(
          b, whenStatic([&](int64_t v) { return v % vectorWidth == 0; }),
          [&]() {
            return arith::CmpIOp::create(
                b, arith::CmpIPredicate::eq,
                arith::RemUIOp::create(b, n, constant(vectorWidth)),
                constant(0));
          },
          [&]() { launchFor(vectorWidth); }, [&]() { launchFor(1); });
    }
    op.erase();
  }
}
