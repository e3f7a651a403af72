//===- RmsVectorize.cpp - vectorize rms.norm on memrefs -------------------===//
//
// Implements `rms-vectorize`: lowers a memref `rms.norm` to scf loops over its
// rows with vector code for each row. Each row is swept twice: once for the
// sum of squares (several independent vector accumulators of fused
// multiply-adds, blocked and added into a compensated running sum so that
// very long rows stay exact), once for the scaling. Row tails are handled with
// masked loads and stores, so any row length works without a scalar loop.
//
// Operands with a strided innermost dimension are first copied into
// contiguous buffers (and the output copied back), so every memref form is
// handled.
//
// Choices that serve memory bandwidth:
//  - Large outputs are written with non-temporal (streaming) stores, which
//    skip the read-for-ownership of every output line, when the row start is
//    aligned to the vector size (checked at run time, per row).
//  - Very long rows are split into slices that run in parallel (`scf.forall`)
//    for both sweeps; the scaling sweep walks each slice backwards so that it
//    re-reads first what the summing sweep read last, while it is in cache.
//
//===----------------------------------------------------------------------===//

#include "rms/Dialect/Rms/IR/Rms.h"
#include "rms/Dialect/Rms/Transforms/Passes.h"
#include "rms/Dialect/Rms/Utils/OpenMP.h"
#include "rms/Dialect/Rms/Utils/Rounding.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Threading.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <functional>
#include <limits>
#include <numeric>

namespace mlir::rms {
#define GEN_PASS_DEF_RMSVECTORIZE
#include "rms/Dialect/Rms/Transforms/Passes.h.inc"
} // namespace mlir::rms

using namespace mlir;
using namespace mlir::rms;

/// Whether the host CPU has `feature` (an LLVM feature name).
static bool hostHasFeature(StringRef feature) {
  static const llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  return features.lookup(feature);
}

/// Whether the code is generated for an x86 host.
static bool hostIsX86() {
  static const bool x86 = llvm::Triple(llvm::sys::getProcessTriple()).isX86();
  return x86;
}

int64_t mlir::rms::getHostVectorBits() {
  if (hostHasFeature("avx512f"))
    return 512;
  if (hostHasFeature("avx"))
    return 256;
  return 128;
}

/// Reads the size of the data cache of `level` (the largest for 0) of cpu0
/// from sysfs, where Linux describes it with sizes like "2048K".
static int64_t readHostCacheBytes(int level) {
  int64_t largest = 0;
  for (int index = 0; index < 8; ++index) {
    std::string dir =
        "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index);
    auto read = [&](StringRef file) -> std::string {
      // sysfs files claim a size of a page: read them as streams.
      auto buffer = llvm::MemoryBuffer::getFileAsStream(dir + "/" + file.str());
      return buffer ? (*buffer)->getBuffer().trim().str() : std::string();
    };
    std::string levelText = read("level"), size = read("size");
    if (levelText.empty() || size.empty() || read("type") == "Instruction")
      continue;
    int cacheLevel = std::atoi(levelText.c_str());
    if (level > 0 && cacheLevel != level)
      continue;
    int64_t bytes = std::atoll(size.c_str());
    if (size.back() == 'K')
      bytes <<= 10;
    else if (size.back() == 'M')
      bytes <<= 20;
    if (level > 0)
      return bytes;
    largest = std::max(largest, bytes);
  }
  return largest;
}

int64_t mlir::rms::getHostCacheBytes(int level) {
  // The levels the vectorizer asks for, read once; others as asked.
  static const int64_t largest = readHostCacheBytes(0);
  static const int64_t l1 = readHostCacheBytes(1);
  static const int64_t l2 = readHostCacheBytes(2);
  switch (level) {
  case 0:
    return largest;
  case 1:
    return l1;
  case 2:
    return l2;
  default:
    return readHostCacheBytes(level);
  }
}

VectorizeOptions VectorizeOptions::resolvedForHost() const {
  VectorizeOptions resolved = *this;
  if (resolved.vectorBits <= 0)
    resolved.vectorBits = getHostVectorBits();
  int64_t l2 = getHostCacheBytes(/*level=*/2);
  if (l2 <= 0)
    l2 = 1 << 20;
  if (resolved.nontemporalBytes < 0)
    resolved.nontemporalBytes = l2;
  if (resolved.avx512BF16 < 0)
    resolved.avx512BF16 = hostHasFeature("avx512bf16");
  if (resolved.splitBytes < 0)
    resolved.splitBytes = l2;
  return resolved;
}

/// Whether the innermost dimension of `type` is contiguous.
static bool hasUnitInnerStride(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return false;
  return strides.empty() || strides.back() == 1;
}

/// Cache-line size assumed for aligning the vector loops.
static constexpr int64_t kLineBytes = 64;
/// Parts of a row whose streaming stores are interleaved.
static constexpr int64_t kStreamedParts = 4;
/// How many rows ahead of the one it scales a short row is summed (see
/// emitShortRows).
static constexpr int64_t kShortRowLag = 2;
/// The largest slice of a split row: rows longer than `split-bytes` are cut
/// into slices of at most this size, so that there are slices for many
/// threads (a 4 MiB row: 64) and the sum does not depend on how many run.
static constexpr int64_t kMaxSliceBytes = 64 << 10;
/// f16 rows summed and then scaled keep their products (`products`) in
/// tiles of at least this many rows (in cache, at one thread: 8x4096 +7%,
/// 64x4096 +14%; 4x4096 the same; 2x4096 -12%, 1x4096 -19%).
static constexpr int64_t kMinRowsKeepingProducts = 8;

namespace {
/// Emits the vector code of the rows of one `rms.norm`.
///
/// All loop bodies are built with `b` itself: the body builders that
/// scf::ForOp/ForallOp/IfOp pass in are `b`, positioned inside the body.
class RowEmitter {
public:
  RowEmitter(ImplicitLocOpBuilder &b, NormOp op, const VectorizeOptions &opts)
      : b(b), op(op), opts(opts), unroll(std::max<int64_t>(opts.unroll, 1)),
        block(std::max<int64_t>(opts.block, 1)) {
    elementType = op.getElementType();
    accType = op.getAccumulatorType();
    lanes = std::max<int64_t>(opts.vectorBits / accType.getWidth(), 1);
    elementBytes = elementType.getIntOrFloatBitWidth() / 8;
    accVecType = VectorType::get({lanes}, accType);
    elemVecType = VectorType::get({lanes}, elementType);
    maskType = VectorType::get({lanes}, b.getI1Type());
  }

  /// Emits code, before the row loops, that the rows share: the row length,
  /// what decides on streaming stores, and widened weights.
  void emitPrologue();
  /// Emits code after the row loops: frees the widened weights and makes
  /// streaming stores visible.
  void emitEpilogue();
  /// Emits the rows at outer leading indices `outerIndices` (all leading
  /// indices but the innermost one).
  void emitRows(ValueRange outerIndices);

private:
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  Value splat(VectorType type, double v) {
    return arith::ConstantOp::create(
        b, type,
        DenseElementsAttr::get(type,
                               b.getFloatAttr(type.getElementType(), v)));
  }
  SmallVector<Value> indices(ValueRange rowIndices, Value column) {
    SmallVector<Value> result(rowIndices);
    result.push_back(column);
    return result;
  }
  /// Loads `lanes` elements of `memref` at `idx` in the accumulator type,
  /// widening them if needed; masked if `mask`.
  Value load(Value memref, ArrayRef<Value> idx, Value mask) {
    Type stored = cast<MemRefType>(memref.getType()).getElementType();
    auto vectorType = VectorType::get({lanes}, stored);
    Value loaded;
    if (!mask) {
      loaded = vector::LoadOp::create(b, vectorType, memref, idx);
    } else {
      Value zero = splat(vectorType, 0.0);
      loaded = vector::MaskedLoadOp::create(b, vectorType, memref, idx, mask,
                                            zero);
    }
    return stored == accType ? loaded
                             : arith::ExtFOp::create(b, accVecType, loaded);
  }
  /// A scalar or splat constant `v` of the float (vector) type `type`.
  Value constantLike(Type type, double v) {
    if (auto vectorType = dyn_cast<VectorType>(type))
      return splat(vectorType, v);
    return arith::ConstantOp::create(b, b.getFloatAttr(type, v));
  }
  /// Kahan-adds `value` into the compensated sum (`sum`, `compensation`).
  /// Once the sum overflows to infinity the compensation is dropped: it
  /// would be `inf - inf` and turn the infinite sum into NaN.
  void compensatedAdd(Value &sum, Value &compensation, Value value) {
    Type type = sum.getType();
    Value y = arith::SubFOp::create(b, value, compensation);
    Value t = arith::AddFOp::create(b, sum, y);
    Value error =
        arith::SubFOp::create(b, arith::SubFOp::create(b, t, sum), y);
    Value finite = arith::CmpFOp::create(
        b, arith::CmpFPredicate::OLT, math::AbsFOp::create(b, t),
        constantLike(type, std::numeric_limits<double>::infinity()));
    compensation = arith::SelectOp::create(b, finite, error,
                                           constantLike(type, 0.0));
    sum = t;
  }
  /// The end of the unrolled part of [begin, end): whole multiples of
  /// `lanes * unroll` elements from `begin`.
  Value mainEnd(Value begin, Value end) {
    Value length = arith::SubIOp::create(b, end, begin);
    return arith::SubIOp::create(
        b, end, arith::RemUIOp::create(b, length, index(lanes * unroll)));
  }

  Value sumOfSquares(ValueRange rowIndices, Value begin, Value end);
  Value blockedSumOfSquares(Value begin, Value start, Value end,
                            function_ref<Value(Value, Value)> loadAt,
                            function_ref<void(Value)> perIteration = {},
                            function_ref<Value(Value)> loadWords = {},
                            bool interleave = false);
  /// Whether fused f16 rows keep `products` (see there): rows of a static
  /// length whose f32 products and widened weights fit in the L1 cache
  /// together.
  bool keepsProducts();
  /// Allocates `products` for the rows about to be emitted, and frees it
  /// after them.
  void allocateProducts();
  void releaseProducts();
  /// Writes `x` (f32, the columns at `column` of the row being summed)
  /// times the weights into `products`.
  void storeProduct(Value column, Value x, Value mask);
  /// Whether the unrolled sums read bf16 as 32-bit words of two elements
  /// (`loadWords`), widened without a shuffle.
  bool sumsBF16Words() { return elementType.isBF16() && unroll % 2 == 0; }
  /// The 2 * `lanes` bf16 of `memref` at `idx` as `lanes` 32-bit words.
  Value loadWords(Value memref, ArrayRef<Value> idx) {
    Value raw = vector::LoadOp::create(
        b, VectorType::get({2 * lanes}, elementType), memref, idx);
    return vector::BitCastOp::create(
        b, VectorType::get({lanes}, b.getI32Type()), raw);
  }
  /// The bf16 of the even and of the odd positions of `word` (loadWords) as
  /// two f32 vectors. A word of two bf16 holds the first in its low half and
  /// the second in its high half (little endian): a shift and a mask make
  /// them f32 (in-lane operations, where widening each half would take a
  /// shuffle on the port the multiplications use).
  std::pair<Value, Value> splitWords(Value word) {
    Value first = arith::ShLIOp::create(b, word, splatI32(16));
    Value second = arith::AndIOp::create(
        b, word, splatI32(static_cast<int32_t>(0xFFFF0000u)));
    return {arith::BitcastOp::create(b, accVecType, first),
            arith::BitcastOp::create(b, accVecType, second)};
  }
  /// For the unrolled iterations of [from, to) written as `kStreamedParts`
  /// equal parts in turn, then the rest in order: a function from the
  /// column of the k-th iteration in order to the column it runs at (part
  /// k % parts, offset k / parts within it).
  std::function<Value(Value)> interleavedColumns(Value from, Value to);
  /// Prefetches into L2, once per cache line, the `lanes * unroll` columns
  /// at `column` of the row at `nextRow`.
  void prefetchNextRow(Value column);
  Value scaleOf(Value sum);
  /// Whether one instruction rounds two f32 vectors to one of bf16
  /// (AVX512-BF16's `vcvtne2ps2bf16`, 512-bit vectors).
  bool narrowsPairs() {
    return opts.avx512BF16 > 0 && elementType.isBF16() && accType.isF32() &&
           lanes == 16;
  }
  /// How many vectors of results the unrolled loops narrow and store as
  /// one: for 16-bit elements two, whose halves fill a vector register (a
  /// cache line with AVX-512), where streaming stores then write whole
  /// lines or one instruction narrows both; one otherwise (a shuffle would
  /// join them).
  int64_t storeGroup(bool nontemporal) {
    bool halves = 2 * elementBytes * 8 == accType.getWidth() && unroll % 2 == 0;
    return halves && (nontemporal || narrowsPairs()) ? 2 : 1;
  }
  /// `parts`, vectors of consecutive columns in the accumulator type,
  /// rounded to the element type as one vector.
  Value narrow(ArrayRef<Value> parts);
  /// The 32-bit words of the vector `v` (of whole words), through an empty
  /// inline asm (no instruction; x86 hosts) that hides from LLVM what they
  /// hold: it cannot fold a bitcast of 16-bit floats to integers into the
  /// operation that uses it.
  Value opaqueWords(Value v) {
    auto type = cast<VectorType>(v.getType());
    auto wordsType = VectorType::get(
        {type.getNumElements() * type.getElementTypeBitWidth() / 32},
        b.getI32Type());
    return LLVM::InlineAsmOp::create(
               b, wordsType,
               ValueRange{vector::BitCastOp::create(b, wordsType, v)},
               b.getStringAttr(""), b.getStringAttr("=v,0"),
               /*has_side_effects=*/nullptr, /*is_align_stack=*/nullptr,
               LLVM::TailCallKindAttr(), LLVM::AsmDialectAttr(),
               /*operand_attrs=*/nullptr)
        .getResult(0);
  }
  /// One vector of the (one or two) narrowed vectors `narrowed`.
  Value joined(ArrayRef<Value> narrowed);
  /// Whether a lane of the f32 vectors `parts` is subnormal (an i1).
  Value anySubnormal(ArrayRef<Value> parts);
  /// The f32 vectors `even` and `odd`, the elements at the even and at the
  /// odd positions of 2 * `lanes` columns (see splitWords), rounded to bf16
  /// and interleaved back into one vector of those columns.
  Value narrowWords(Value even, Value odd);
  /// The f32 vector `value` rounded to bf16 (to nearest, ties to even) with
  /// integer operations, subnormal results included.
  Value roundToBF16(Value value);
  /// A vector of `lanes` i32 `v`.
  Value splatI32(int32_t v) {
    auto type = VectorType::get({lanes}, b.getI32Type());
    return arith::ConstantOp::create(
        b, type, DenseElementsAttr::get(type, b.getI32IntegerAttr(v)));
  }
  /// Stores `trunc(ext(x) * scale * ext(w))` for the `group * lanes` columns
  /// at `column` of the row at `rowIndices` as one vector; a single vector
  /// may be masked (`mask`).
  void storeScaled(ValueRange rowIndices, Value column, Value mask,
                   Value scaleVector, bool nontemporal, int64_t group = 1);
  /// Stores the `unroll` vectors of the unrolled iteration at `column`,
  /// `storeGroup(nontemporal)` at a time; streaming, it prefetches the same
  /// columns of `nextRow` (if set): a row streamed out to memory is read
  /// from memory too, and reading the next one while this one is written
  /// overlaps the two instead of alternating between sweeps.
  void storeScaledUnrolled(ValueRange rowIndices, Value column,
                           Value scaleVector, bool nontemporal);
  Value scaleRowAndSumNext(ValueRange rowIndices, ValueRange nextIndices,
                           Value scale, bool nontemporal);
  Value scaleRowAndSumNextChoosingStores(ValueRange rowIndices,
                                         ValueRange nextIndices, Value scale,
                                         Value stream);
  void scaleRange(ValueRange rowIndices, Value begin, Value end, Value scale,
                  bool nontemporal, bool backward);
  void scaleRangeChoosingStores(ValueRange rowIndices, Value begin, Value end,
                                Value scale, Value stream, bool backward);
  /// Emits `body(true)` where `condition` (an i1; null for false) holds and
  /// `body(false)` where it does not: the one that applies where `condition`
  /// is a constant, else both, under an scf.if. (Streamed or in-cache
  /// variants, long or short rows.)
  void byCondition(Value condition, function_ref<void(bool holds)> body);
  Value runtimeThreadCount();
  void emitSplitRow(ValueRange rowIndices, int64_t slices,
                    int64_t sliceElements);
  /// The static row length if rows may be short (under 1 KiB, see
  /// emitRows and emitShortRows), else 0.
  int64_t shortRowLength();
  /// Rows of fewer bytes are short whether or not their output is streamed:
  /// 512 (a streamed row), 1 KiB for 16-bit data (bound by conversions).
  int64_t shortRowBytes();
  /// Emits short rows of `length` elements (0: the dynamic row length),
  /// their output streamed where `mayStream` and shortRowsStreamed() hold.
  void emitShortRows(ValueRange outerIndices, int64_t length, bool mayStream);
  /// Whether short rows are written with streaming stores (an i1, or null
  /// for never): f32 and f64 rows of a large output that start on a cache
  /// line.
  Value shortRowsStreamed();
  void emitLongRows(ValueRange outerIndices);
  void emitStreamingFence();
  void emitShapeChecks();
  void widenWeights();
  int64_t sliceCount(int64_t &sliceElements);
  /// The number of rows of the op (the product of the leading dimensions)
  /// where it is static, else ShapedType::kDynamic.
  int64_t staticRowCount() {
    ArrayRef<int64_t> shape = op.getInputType().getShape().drop_back();
    if (ShapedType::isDynamicShape(shape))
      return ShapedType::kDynamic;
    return ShapedType::getNumElements(shape);
  }

  ImplicitLocOpBuilder &b;
  NormOp op;
  const VectorizeOptions &opts;
  int64_t unroll, block, lanes, elementBytes;
  Type elementType;
  FloatType accType;
  VectorType accVecType, elemVecType, maskType;
  /// Where a memref's elements lie, to compute addresses for alignment.
  struct Address {
    Value pointer, offset;
    SmallVector<Value> strides;
  };
  Address addressOf(Value memref);
  /// The address, as an index, of the element at `rowIndices` and `column`.
  Value byteAddress(const Address &address, ValueRange rowIndices,
                    Value column);
  Value alignedStart(const Address &address, ValueRange rowIndices,
                     Value begin, Value end);
  void maskedRange(Value from, Value to, ValueRange init,
                   function_ref<SmallVector<Value>(Value, Value, ValueRange)>
                       body,
                   SmallVectorImpl<Value> *results = nullptr);

  /// Set by emitPrologue. `weights` is the weight operand, or for f16/bf16 a
  /// buffer holding it widened to f32 once for all rows.
  Value rowSize, streamOutput, weights;
  /// Whether the output is at least `nontemporal-bytes` (null: never).
  Value bigOutput;
  /// Whether short rows were emitted with streaming stores (a fence follows).
  bool streamsShortRows = false;
  /// Whether the widened weights hold each whole pair of vectors of bf16
  /// short rows split as splitWords splits them: the even positions, then
  /// the odd ones.
  bool splitWeights = false;
  /// While fused f16 rows are emitted (`keepsProducts`): an f32 row holding
  /// x * w of the row to be scaled next, written by the sweep that sums
  /// that row, so that scaling it reads an f32 instead of widening x again
  /// and multiplying by w (a conversion fewer per element, the one that
  /// bounds f16 rows; the product is rounded before the scale, not after).
  Value products;
  Address inputAddress, outputAddress;
  /// While a row is scaled: the indices of the next row of the tile (the
  /// row itself for the last one), or empty.
  SmallVector<Value> nextRow;
};
} // namespace

RowEmitter::Address RowEmitter::addressOf(Value memref) {
  auto metadata = memref::ExtractStridedMetadataOp::create(b, memref);
  Address address;
  address.pointer = memref::ExtractAlignedPointerAsIndexOp::create(b, memref);
  address.offset = metadata.getOffset();
  address.strides.assign(metadata.getStrides().begin(),
                         metadata.getStrides().end());
  return address;
}

/// The first column in [begin, end] of the row at `rowIndices` whose address
/// is a multiple of the cache-line size (or `end`): the unrolled loops start
/// there, so that their vectors do not straddle lines.
Value RowEmitter::alignedStart(const Address &address, ValueRange rowIndices,
                               Value begin, Value end) {
  Value byte = byteAddress(address, rowIndices, begin);
  Value toLine = arith::RemUIOp::create(
      b,
      arith::SubIOp::create(b, index(kLineBytes),
                            arith::RemUIOp::create(b, byte, index(kLineBytes))),
      index(kLineBytes));
  Value head = arith::DivUIOp::create(b, toLine, index(elementBytes));
  return arith::MinUIOp::create(b, arith::AddIOp::create(b, begin, head), end);
}

std::function<Value(Value)> RowEmitter::interleavedColumns(Value from,
                                                           Value to) {
  Value step = index(lanes * unroll);
  Value length = arith::SubIOp::create(b, to, from);
  Value part = arith::MulIOp::create(
      b,
      arith::DivUIOp::create(b, length, index(kStreamedParts * lanes * unroll)),
      step);
  Value partsEnd = arith::AddIOp::create(
      b, from, arith::MulIOp::create(b, part, index(kStreamedParts)));
  return [this, from, step, part, partsEnd](Value column) -> Value {
    Value k =
        arith::DivUIOp::create(b, arith::SubIOp::create(b, column, from), step);
    Value inPart = arith::MulIOp::create(
        b, arith::RemUIOp::create(b, k, index(kStreamedParts)), part);
    Value offset = arith::MulIOp::create(
        b, arith::DivUIOp::create(b, k, index(kStreamedParts)), step);
    Value interleaved = arith::AddIOp::create(
        b, from, arith::AddIOp::create(b, inPart, offset));
    Value inParts =
        arith::CmpIOp::create(b, arith::CmpIPredicate::ult, column, partsEnd);
    return arith::SelectOp::create(b, inParts, interleaved, column);
  };
}

Value RowEmitter::byteAddress(const Address &address, ValueRange rowIndices,
                              Value column) {
  Value element = arith::AddIOp::create(b, address.offset, column);
  for (auto [i, stride] : llvm::zip(rowIndices, address.strides))
    element =
        arith::AddIOp::create(b, element, arith::MulIOp::create(b, i, stride));
  return arith::AddIOp::create(
      b, address.pointer,
      arith::MulIOp::create(b, element, index(elementBytes)));
}

/// Runs `body(column, mask, carried)` over [from, to) one masked vector at a
/// time; `body` returns the new carried values.
void RowEmitter::maskedRange(
    Value from, Value to, ValueRange init,
    function_ref<SmallVector<Value>(Value, Value, ValueRange)> body,
    SmallVectorImpl<Value> *results) {
  auto loop = scf::ForOp::create(
      b, from, to, index(lanes), init,
      [&](OpBuilder &, Location, Value column, ValueRange carried) {
        Value remaining = arith::SubIOp::create(b, to, column);
        Value mask = vector::CreateMaskOp::create(b, maskType, remaining);
        scf::YieldOp::create(b, body(column, mask, carried));
      });
  if (results)
    results->assign(loop.getResults().begin(), loop.getResults().end());
}

void RowEmitter::emitPrologue() {
  Value input = op.getInput(), out = op.getInit();
  int64_t rank = op.getInputType().getRank();
  rowSize = memref::DimOp::create(b, input, rank - 1);
  emitShapeChecks();
  inputAddress = addressOf(input);
  outputAddress = addressOf(out);
  widenWeights();
  if (opts.nontemporalBytes <= 0)
    return;
  // Streaming stores pay off when the output is too large to stay in cache.
  // A tile writes a view of a larger buffer: what stays in cache or not is
  // that buffer, so its size decides.
  Value buffer = out;
  while (Operation *def = buffer.getDefiningOp()) {
    if (!isa<memref::SubViewOp, memref::CastOp>(def))
      break;
    buffer = def->getOperand(0);
  }
  auto bufferType = cast<MemRefType>(buffer.getType());
  Value outputBytes = index(elementBytes);
  for (int64_t dim = 0; dim < bufferType.getRank(); ++dim)
    outputBytes = arith::MulIOp::create(b, outputBytes,
                                        memref::DimOp::create(b, buffer, dim));
  bigOutput = arith::CmpIOp::create(b, arith::CmpIPredicate::uge, outputBytes,
                                    index(opts.nontemporalBytes));
  // Rows of a few lines do not take the streaming stores of the long-row
  // sweeps: swept so, 65536x64 f32 ran at 0.71-0.99 of the copy bandwidth at
  // two threads (0.8 of the naive loop in some runs) against 0.92-1.00,
  // while rows of 128 elements and more gained. (Short rows stream their
  // own way: shortRowsStreamed.)
  Value longRows = arith::CmpIOp::create(
      b, arith::CmpIPredicate::uge,
      arith::MulIOp::create(b, rowSize, index(elementBytes)),
      index(kMinStreamedRowBytes));
  streamOutput = arith::AndIOp::create(b, bigOutput, longRows);
}

/// Checks at run time what the verifier cannot see in dynamic shapes: the
/// weight has the row length and the output the shape of the input. Sizes
/// that are static on both sides were verified already and fold away.
void RowEmitter::emitShapeChecks() {
  Value input = op.getInput(), out = op.getInit();
  auto dimOf = [&](Value memref, int64_t dim) -> OpFoldResult {
    auto type = cast<MemRefType>(memref.getType());
    if (!type.isDynamicDim(dim))
      return b.getIndexAttr(type.getDimSize(dim));
    return memref::DimOp::create(b, memref, dim).getResult();
  };
  auto check = [&](OpFoldResult actual, OpFoldResult expected,
                   StringRef message) {
    if (getConstantIntValue(actual) && getConstantIntValue(expected))
      return;
    Value same = arith::CmpIOp::create(
        b, arith::CmpIPredicate::eq,
        getValueOrCreateConstantIndexOp(b, b.getLoc(), actual),
        getValueOrCreateConstantIndexOp(b, b.getLoc(), expected));
    cf::AssertOp::create(b, same, message);
  };
  int64_t rank = op.getInputType().getRank();
  if (Value weight = op.getWeight())
    check(dimOf(weight, 0), dimOf(input, rank - 1),
          "rms.norm: the weight size differs from the row length of the "
          "input");
  for (int64_t dim = 0; dim < rank; ++dim)
    check(dimOf(out, dim), dimOf(input, dim),
          "rms.norm: the output shape differs from the input shape");
}

/// Widens 16-bit weights to f32 once per op rather than once per row: the
/// conversions otherwise cost as much as the rest of the scaling sweep.
void RowEmitter::widenWeights() {
  weights = op.getWeight();
  if (!weights || elementType == accType || staticRowCount() == 1)
    return;
  Value buffer = memref::AllocOp::create(
      b, MemRefType::get({ShapedType::kDynamic}, accType), ValueRange{rowSize},
      b.getI64IntegerAttr(kLineBytes));
  scf::ForOp::create(
      b, index(0), rowSize, index(lanes), ValueRange{},
      [&](OpBuilder &, Location, Value column, ValueRange) {
        Value remaining = arith::SubIOp::create(b, rowSize, column);
        Value mask = vector::CreateMaskOp::create(b, maskType, remaining);
        Value w = load(weights, {column}, mask);
        vector::MaskedStoreOp::create(b, buffer, column, mask, w);
        scf::YieldOp::create(b);
      });
  // Short bf16 rows are scaled as words, a pair of vectors at a time: their
  // weights are laid out the same way (the rest as it is).
  int64_t length = shortRowLength();
  if (elementType.isBF16() && accType.isF32() && length) {
    for (int64_t column = 0; column + 2 * lanes <= length;
         column += 2 * lanes) {
      auto [even, odd] = splitWords(loadWords(weights, {index(column)}));
      vector::StoreOp::create(b, even, buffer, index(column));
      vector::StoreOp::create(b, odd, buffer, index(column + lanes));
    }
    splitWeights = true;
  }
  weights = buffer;
}

void RowEmitter::emitEpilogue() {
  if (weights && weights != op.getWeight())
    memref::DeallocOp::create(b, weights);
  if (streamOutput || streamsShortRows)
    emitStreamingFence();
}

/// Sum of squares of [begin, end) of one row, in the accumulator type.
///
/// The unrolled main part runs in blocks of `block` iterations; each block's
/// `unroll` accumulators are summed pairwise and Kahan-added into the row sum,
/// so the rounding error of the row sum does not grow with the row length.
Value RowEmitter::sumOfSquares(ValueRange rowIndices, Value begin,
                               Value end) {
  Value start = alignedStart(inputAddress, rowIndices, begin, end);
  auto loadAt = [&](Value column, Value mask) {
    Value x = load(op.getInput(), indices(rowIndices, column), mask);
    if (products)
      storeProduct(column, x, mask);
    return x;
  };
  auto loadWordsAt = [&](Value column) {
    return loadWords(op.getInput(), indices(rowIndices, column));
  };
  return blockedSumOfSquares(begin, start, end, loadAt, {},
                             sumsBF16Words() ? loadWordsAt
                                             : function_ref<Value(Value)>());
}

/// The sum of the squares of the vectors `loadAt(column, mask)` returns for
/// the columns of [begin, end): the unrolled part from `start` (a cache-line
/// boundary) in whole multiples of `unroll` vectors, the head before it and
/// the tail after it masked (fewer than a line, and fewer than `unroll`
/// vectors). `unroll` accumulators take `block` iterations each; their
/// pairwise sum is Kahan-added into the row sum. `perIteration(column)`, if
/// given, adds to each unrolled iteration (`loadAt` is called there without
/// a mask).
Value RowEmitter::blockedSumOfSquares(
    Value begin, Value start, Value end,
    function_ref<Value(Value column, Value mask)> loadAt,
    function_ref<void(Value column)> perIteration,
    function_ref<Value(Value column)> loadWords, bool interleave) {
  Value step = index(lanes * unroll);
  Value blockSpan = index(lanes * unroll * block);
  Value zero = splat(accVecType, 0.0);
  Value unrolledEnd = mainEnd(start, end);

  auto addSquares = [&](Value column, Value mask, ValueRange accs) {
    Value x = loadAt(column, mask);
    return SmallVector<Value>{vector::FMAOp::create(b, x, x, accs[0])};
  };
  SmallVector<Value> edges;
  maskedRange(begin, start, ValueRange{zero}, addSquares, &edges);
  maskedRange(unrolledEnd, end, edges, addSquares, &edges);

  // With `interleave`, the iterations run as interleaved parts, in one
  // loop, so that its body is emitted once.
  std::function<Value(Value)> place;
  if (interleave)
    place = interleavedColumns(start, unrolledEnd);
  auto blocks = scf::ForOp::create(
      b, start, unrolledEnd, blockSpan, ValueRange{zero, zero},
      [&](OpBuilder &, Location, Value blockStart, ValueRange sums) {
        Value blockEnd = arith::MinUIOp::create(
            b, arith::AddIOp::create(b, blockStart, blockSpan), unrolledEnd);
        SmallVector<Value> zeros(unroll, zero);
        auto inner = scf::ForOp::create(
            b, blockStart, blockEnd, step, zeros,
            [&](OpBuilder &, Location, Value logical, ValueRange accs) {
              Value column = place ? place(logical) : logical;
              SmallVector<Value> next;
              for (int64_t u = 0; u < unroll; ++u) {
                Value at = arith::AddIOp::create(b, column, index(u * lanes));
                if (loadWords) {
                  auto [first, second] = splitWords(loadWords(at));
                  next.push_back(
                      vector::FMAOp::create(b, first, first, accs[u]));
                  next.push_back(
                      vector::FMAOp::create(b, second, second, accs[++u]));
                  continue;
                }
                Value x = loadAt(at, Value());
                next.push_back(vector::FMAOp::create(b, x, x, accs[u]));
              }
              if (perIteration)
                perIteration(column);
              scf::YieldOp::create(b, next);
            });
        // Pairwise sum of the block's accumulators.
        SmallVector<Value> partial(inner.getResults());
        while (partial.size() > 1) {
          SmallVector<Value> halved;
          for (size_t i = 0; i + 1 < partial.size(); i += 2)
            halved.push_back(
                arith::AddFOp::create(b, partial[i], partial[i + 1]));
          if (partial.size() % 2)
            halved.push_back(partial.back());
          partial = std::move(halved);
        }
        Value sum = sums[0], compensation = sums[1];
        compensatedAdd(sum, compensation, partial.front());
        scf::YieldOp::create(b, ValueRange{sum, compensation});
      });

  Value sum = blocks.getResult(0), compensation = blocks.getResult(1);
  compensatedAdd(sum, compensation, edges.front());
  Value lanesSum = arith::SubFOp::create(b, sum, compensation);
  return vector::ReductionOp::create(b, vector::CombiningKind::ADD, lanesSum,
                                     arith::FastMathFlags::reassoc);
}

/// `1 / sqrt(sum / N + epsilon)`, with IEEE square root and division.
Value RowEmitter::scaleOf(Value sum) {
  Value count = arith::UIToFPOp::create(
      b, accType, arith::IndexCastUIOp::create(b, b.getI64Type(), rowSize));
  Value epsilon = arith::ConstantOp::create(
      b, b.getFloatAttr(accType, op.getEpsilon().convertToFloat()));
  Value one = arith::ConstantOp::create(b, b.getFloatAttr(accType, 1.0));
  Value mean = arith::DivFOp::create(b, sum, count);
  Value root = math::SqrtOp::create(b, arith::AddFOp::create(b, mean, epsilon));
  return arith::DivFOp::create(b, one, root);
}

void RowEmitter::storeScaled(ValueRange rowIndices, Value column, Value mask,
                             Value scaleVector, bool nontemporal,
                             int64_t group) {
  assert((!mask || group == 1) && "only single vectors are masked");
  SmallVector<Value> parts;
  for (int64_t g = 0; g < group; ++g) {
    Value at = g ? arith::AddIOp::create(b, column, index(g * lanes)) : column;
    if (products) {
      parts.push_back(arith::MulFOp::create(
          b, load(products, {at}, mask), scaleVector));
      continue;
    }
    Value y = arith::MulFOp::create(
        b, load(op.getInput(), indices(rowIndices, at), mask), scaleVector);
    if (weights)
      y = arith::MulFOp::create(b, y, load(weights, {at}, mask));
    parts.push_back(y);
  }
  Value y = narrow(parts);
  Value out = op.getInit();
  SmallVector<Value> yIdx = indices(rowIndices, column);
  if (mask) {
    vector::MaskedStoreOp::create(b, out, yIdx, mask, y);
    return;
  }
  if (!nontemporal) {
    vector::StoreOp::create(b, y, out, yIdx);
    return;
  }
  int64_t bytes = group * lanes * elementBytes;
  int64_t alignment = std::min(bytes, kLineBytes);
  if (elementBytes >= 4 || bytes % 16 || !hostIsX86()) {
    vector::StoreOp::create(b, y, out, yIdx, /*nontemporal=*/true,
                            llvm::Align(alignment));
    return;
  }
  // LLVM 22's x86 backend has no pattern for non-temporal stores of f16 or
  // bf16 vectors and selects an ordinary store; it also folds a bitcast to
  // integers into the store. So 16-bit results of a whole vector register
  // (16 bytes or more) leave as the 32-bit words that hold them, through an
  // empty inline asm (no instruction) that keeps them integers, stored at
  // the address of the output.
  Value words = opaqueWords(y);
  Value address = arith::IndexCastUIOp::create(
      b, b.getI64Type(), byteAddress(outputAddress, rowIndices, column));
  Value pointer = LLVM::IntToPtrOp::create(
      b, LLVM::LLVMPointerType::get(b.getContext()), address);
  LLVM::StoreOp::create(b, words, pointer, alignment, /*isVolatile=*/false,
                        /*isNonTemporal=*/true);
}

void RowEmitter::storeScaledUnrolled(ValueRange rowIndices, Value column,
                                     Value scaleVector, bool nontemporal) {
  int64_t group = storeGroup(nontemporal);
  for (int64_t u = 0; u < unroll; u += group)
    storeScaled(rowIndices, arith::AddIOp::create(b, column, index(u * lanes)),
                Value(), scaleVector, nontemporal, group);
  if (nontemporal && !nextRow.empty())
    prefetchNextRow(column);
}

Value RowEmitter::narrow(ArrayRef<Value> parts) {
  if (elementType == accType) {
    assert(parts.size() == 1 && "results in the element type are not packed");
    return parts.front();
  }
  // Without AVX512-BF16 (avx512-bf16=0), bf16 is rounded with integer
  // operations: `arith.truncf` would become vcvtneps2bf16 on a host that has
  // it.
  bool bf16 = elementType.isBF16() && accType.isF32();
  if (bf16 && opts.avx512BF16 <= 0)
    return joined(llvm::map_to_vector(
        parts, [&](Value part) { return roundToBF16(part); }));
  // AVX512-BF16 rounds two f32 vectors into one of bf16 in one instruction
  // where truncating each takes one (of two uops) and a shuffle joins them.
  // It rounds to nearest even, as `arith.truncf` lowers to on such hosts
  // (`vcvtneps2bf16`). Its first operand fills the high half.
  Value rounded;
  if (parts.size() == 2 && narrowsPairs())
    rounded = LLVM::CallIntrinsicOp::create(
                  b, VectorType::get({2 * lanes}, elementType),
                  b.getStringAttr("llvm.x86.avx512bf16.cvtne2ps2bf16.512"),
                  ValueRange{parts[1], parts[0]})
                  .getResult(0);
  else
    rounded = joined(llvm::map_to_vector(parts, [&](Value part) -> Value {
      return arith::TruncFOp::create(b, elemVecType, part);
    }));
  if (!bf16)
    return rounded;
  // Both instructions treat f32 subnormals as zero: results below 2^-126
  // come out as zeros of their sign. Where a lane is an f32 subnormal, the
  // group is rounded again with integer operations, off the common path.
  return scf::IfOp::create(
             b, anySubnormal(parts),
             [&](OpBuilder &, Location) {
               scf::YieldOp::create(
                   b, joined(llvm::map_to_vector(parts, [&](Value part) {
                     return roundToBF16(part);
                   })));
             },
             [&](OpBuilder &, Location) { scf::YieldOp::create(b, rounded); })
      .getResult(0);
}

/// Whether a lane of the f32 vectors `parts` is subnormal: a class test of
/// each vector (`vfpclassps`) and a reduction, for a branch per group.
/// (`llvm.is.fpclass` becomes four integer operations per vector; so does
/// the test without AVX512-DQ: |bits| - 1 < 0x7FFFFF, unsigned.)
Value RowEmitter::anySubnormal(ArrayRef<Value> parts) {
  auto isSubnormalLane = [&](Value part) -> Value {
    if (hostIsX86() && hostHasFeature("avx512dq"))
      return LLVM::CallIntrinsicOp::create(
                 b, maskType,
                 b.getStringAttr("llvm.x86.avx512.fpclass.ps." +
                                 std::to_string(lanes * 32)),
                 ValueRange{part, arith::ConstantOp::create(
                                      b, b.getI32IntegerAttr(0x20))})
          .getResult(0);
    Value magnitude = arith::AndIOp::create(
        b,
        arith::BitcastOp::create(b, VectorType::get({lanes}, b.getI32Type()),
                                 part),
        splatI32(0x7FFFFFFF));
    return arith::CmpIOp::create(
        b, arith::CmpIPredicate::ult,
        arith::SubIOp::create(b, magnitude, splatI32(1)), splatI32(0x7FFFFF));
  };
  Value lanesSubnormal;
  for (Value part : parts) {
    Value isSubnormal = isSubnormalLane(part);
    lanesSubnormal = lanesSubnormal ? arith::OrIOp::create(b, lanesSubnormal,
                                                           isSubnormal)
                                          .getResult()
                                    : isSubnormal;
  }
  return vector::ReductionOp::create(b, vector::CombiningKind::OR,
                                     lanesSubnormal);
}

Value RowEmitter::narrowWords(Value even, Value odd) {
  auto pairType = VectorType::get({2 * lanes}, elementType);
  // With integer operations: the bf16 of `even` in the low half of each
  // word, that of `odd` in the high half.
  auto integerWords = [&]() -> Value {
    Value low =
        arith::ShRUIOp::create(b, roundedBF16Bits(b, even), splatI32(16));
    Value high = arith::AndIOp::create(
        b, roundedBF16Bits(b, odd),
        splatI32(static_cast<int32_t>(0xFFFF0000u)));
    return vector::BitCastOp::create(b, pairType,
                                     arith::OrIOp::create(b, low, high));
  };
  if (opts.avx512BF16 <= 0)
    return integerWords();
  // With AVX512-BF16 (as `narrow`): vcvtne2ps2bf16 gives the bf16 of `even`
  // in the low half and those of `odd` in the high half (its first
  // operand), or each is truncated; one shuffle (vpermw) interleaves them.
  // Subnormal results as in `narrow`.
  SmallVector<int64_t> interleave;
  for (int64_t i = 0; i < lanes; ++i) {
    interleave.push_back(i);
    interleave.push_back(i + lanes);
  }
  Value rounded;
  if (narrowsPairs()) {
    Value halves =
        LLVM::CallIntrinsicOp::create(
            b, pairType,
            b.getStringAttr("llvm.x86.avx512bf16.cvtne2ps2bf16.512"),
            ValueRange{odd, even})
            .getResult(0);
    rounded = vector::ShuffleOp::create(b, halves, halves, interleave);
  } else {
    rounded = vector::ShuffleOp::create(
        b, arith::TruncFOp::create(b, elemVecType, even),
        arith::TruncFOp::create(b, elemVecType, odd), interleave);
  }
  return scf::IfOp::create(
             b, anySubnormal({even, odd}),
             [&](OpBuilder &, Location) {
               scf::YieldOp::create(b, integerWords());
             },
             [&](OpBuilder &, Location) { scf::YieldOp::create(b, rounded); })
      .getResult(0);
}

Value RowEmitter::joined(ArrayRef<Value> narrowed) {
  if (narrowed.size() == 1)
    return narrowed.front();
  assert(narrowed.size() == 2 && "results are narrowed in pairs");
  SmallVector<int64_t> concatenation(2 * lanes);
  std::iota(concatenation.begin(), concatenation.end(), 0);
  return vector::ShuffleOp::create(b, narrowed[0], narrowed[1], concatenation);
}

Value RowEmitter::roundToBF16(Value value) {
  Value high = arith::TruncIOp::create(
      b, VectorType::get({lanes}, b.getI16Type()),
      arith::ShRUIOp::create(b, roundedBF16Bits(b, value), splatI32(16)));
  return arith::BitcastOp::create(b, elemVecType, high);
}

/// Scales the row at `rowIndices` and, in the same sweep, sums the squares
/// of the next row (`nextIndices`), returning that sum: the row just summed
/// is re-read from cache while the next one streams in from memory, so that
/// reading memory never waits for a sweep that only touches the cache. The
/// unrolled part starts at a cache-line boundary of the output row; the sum
/// is blocked and compensated as in `sumOfSquares`.
Value RowEmitter::scaleRowAndSumNext(ValueRange rowIndices,
                                     ValueRange nextIndices, Value scale,
                                     bool nontemporal) {
  Value scaleVector = vector::BroadcastOp::create(b, accVecType, scale);
  Value begin = index(0);
  Value start = alignedStart(outputAddress, rowIndices, begin, rowSize);
  // The masked head and tail store each vector where they load the next
  // row's; the unrolled iterations store theirs in `perIteration`.
  auto loadNext = [&](Value column, Value mask) {
    Value x = load(op.getInput(), indices(nextIndices, column), mask);
    if (mask)
      storeScaled(rowIndices, column, mask, scaleVector, nontemporal);
    return x;
  };
  // The unrolled part of bf16 rows reads two vectors' worth of the next row
  // at once, as words.
  auto loadNextWords = [&](Value column) {
    return loadWords(op.getInput(), indices(nextIndices, column));
  };
  function_ref<Value(Value)> loadWordsAt;
  if (sumsBF16Words())
    loadWordsAt = loadNextWords;
  // Streamed, the row after the next one (`nextRow`) is prefetched.
  auto store = [&](Value column) {
    storeScaledUnrolled(rowIndices, column, scaleVector, nontemporal);
  };
  // Streamed f32/f64 rows are written as interleaved parts, as `scaleRange`
  // writes them (8192x8192 f32: 20.15 and 37.63 GB/s at 1 and 2 threads
  // against 19.05 and 35.32 in one stream); 16-bit rows of 8 KiB ran 4-11%
  // slower so.
  if (!products)
    return blockedSumOfSquares(begin, start, rowSize, loadNext, store,
                               loadWordsAt,
                               /*interleave=*/nontemporal && elementBytes >= 4);
  // With `products`, this row is scaled from its products before the next
  // row's take their place: the masked vectors one at a time, the unrolled
  // iteration's after it has loaded its vectors of the next row, whose
  // products it then writes (that order measured faster than a product
  // written after each load).
  SmallVector<std::pair<Value, Value>> loaded;
  auto scaleThenLoadNext = [&](Value column, Value mask) {
    if (!mask) {
      Value x = load(op.getInput(), indices(nextIndices, column), mask);
      loaded.push_back({column, x});
      return x;
    }
    storeScaled(rowIndices, column, mask, scaleVector, nontemporal);
    Value x = load(op.getInput(), indices(nextIndices, column), mask);
    storeProduct(column, x, mask);
    return x;
  };
  auto scaleThenStoreProducts = [&](Value column) {
    storeScaledUnrolled(rowIndices, column, scaleVector, nontemporal);
    for (auto [at, x] : loaded)
      storeProduct(at, x, Value());
    loaded.clear();
  };
  return blockedSumOfSquares(begin, start, rowSize, scaleThenLoadNext,
                             scaleThenStoreProducts);
}

bool RowEmitter::keepsProducts() {
  int64_t n = op.getInputType().getShape().back();
  if (!elementType.isF16() || !accType.isF32() || ShapedType::isDynamic(n) ||
      op.getInputType().getRank() < 2)
    return false;
  int64_t l1 = getHostCacheBytes(/*level=*/1);
  int64_t budget = (l1 > 0 ? l1 : 32 << 10) * 3 / 4;
  int64_t widened = weights && weights != op.getWeight() ? 1 : 0;
  return (1 + widened) * n * 4 <= budget;
}

void RowEmitter::allocateProducts() {
  products = memref::AllocOp::create(
      b, MemRefType::get({op.getInputType().getShape().back()}, accType),
      b.getI64IntegerAttr(kLineBytes));
}

void RowEmitter::releaseProducts() {
  if (!products)
    return;
  memref::DeallocOp::create(b, products);
  products = Value();
}

void RowEmitter::storeProduct(Value column, Value x, Value mask) {
  Value product = x;
  if (weights)
    product = arith::MulFOp::create(b, x, load(weights, {column}, mask));
  if (mask)
    vector::MaskedStoreOp::create(b, products, column, mask, product);
  else
    vector::StoreOp::create(b, product, products, column);
}

/// `scaleRowAndSumNext`, with streaming stores when `streamOutput` holds.
Value RowEmitter::scaleRowAndSumNextChoosingStores(ValueRange rowIndices,
                                                   ValueRange nextIndices,
                                                   Value scale, Value stream) {
  std::optional<int64_t> known =
      stream ? getConstantIntValue(stream) : std::optional<int64_t>(0);
  if (known)
    return scaleRowAndSumNext(rowIndices, nextIndices, scale, *known);
  auto choice = scf::IfOp::create(
      b, stream,
      [&](OpBuilder &, Location) {
        scf::YieldOp::create(
            b, scaleRowAndSumNext(rowIndices, nextIndices, scale, true));
      },
      [&](OpBuilder &, Location) {
        scf::YieldOp::create(
            b, scaleRowAndSumNext(rowIndices, nextIndices, scale, false));
      });
  return choice.getResult(0);
}

/// Writes `trunc(ext(x) * scale * ext(w))` for [begin, end) of one row.
///
/// The unrolled part starts at a cache-line boundary of the output; the head
/// before it and the tail after it are masked. With `nontemporal`, the
/// unrolled part uses streaming stores (aligned, as it starts on a line); a
/// fence makes them visible before the op ends; forwards, the row is then
/// written as interleaved parts. With `backward`, the unrolled part runs in
/// blocks from the end of the range to its start.
void RowEmitter::scaleRange(ValueRange rowIndices, Value begin, Value end,
                            Value scale, bool nontemporal, bool backward) {
  Value scaleVector = vector::BroadcastOp::create(b, accVecType, scale);
  auto emitUnrolled = [&](Value from, Value to,
                          function_ref<Value(Value)> place = {}) {
    scf::ForOp::create(b, from, to, index(lanes * unroll), ValueRange{},
                       [&](OpBuilder &, Location, Value column, ValueRange) {
                         storeScaledUnrolled(rowIndices,
                                             place ? place(column) : column,
                                             scaleVector, nontemporal);
                         scf::YieldOp::create(b);
                       });
  };
  Value start = alignedStart(outputAddress, rowIndices, begin, end);
  Value unrolledEnd = mainEnd(start, end);
  auto emitMasked = [&](Value column, Value mask, ValueRange) {
    storeScaled(rowIndices, column, mask, scaleVector, nontemporal);
    return SmallVector<Value>{};
  };
  maskedRange(begin, start, ValueRange{}, emitMasked);
  maskedRange(unrolledEnd, end, ValueRange{}, emitMasked);
  if (!backward && nontemporal) {
    // A streamed row is written as `kStreamedParts` equal parts, one
    // unrolled iteration of each in turn (then what is left in order), as
    // glibc's memcpy interleaves the pages it streams: several write streams
    // keep more of memory busy than one (8192x8192 f32: about 0.95 of the
    // copy bandwidth instead of 0.87, measured by hand first).
    emitUnrolled(start, unrolledEnd, interleavedColumns(start, unrolledEnd));
  } else if (!backward) {
    emitUnrolled(start, unrolledEnd);
  } else {
    // Blocks [max(start, e - span), e) for e = unrolledEnd, ... > start; the
    // block starts stay multiples of the unrolled step from `start`.
    Value span = index(lanes * unroll * block);
    Value length = arith::SubIOp::create(b, unrolledEnd, start);
    Value count = arith::CeilDivUIOp::create(b, length, span);
    scf::ForOp::create(
        b, index(0), count, index(1), ValueRange{},
        [&](OpBuilder &, Location, Value k, ValueRange) {
          Value blockEnd = arith::SubIOp::create(
              b, unrolledEnd, arith::MulIOp::create(b, k, span));
          Value blockStart = arith::MaxUIOp::create(
              b, start,
              arith::SubIOp::create(
                  b, arith::MaxUIOp::create(b, blockEnd, span), span));
          emitUnrolled(blockStart, blockEnd);
          scf::YieldOp::create(b);
        });
  }
  // Split rows fence each slice here; whole rows fence once per op, in the
  // epilogue, so that rows do not wait for each other's stores to drain.
  if (nontemporal && backward)
    emitStreamingFence();
}

void RowEmitter::prefetchNextRow(Value column) {
  int64_t lineElements = std::max<int64_t>(kLineBytes / elementBytes, 1);
  for (int64_t e = 0; e < lanes * unroll; e += lineElements)
    memref::PrefetchOp::create(
        b, op.getInput(),
        indices(nextRow, arith::AddIOp::create(b, column, index(e))),
        b.getBoolAttr(false), b.getI32IntegerAttr(2), b.getBoolAttr(true));
}

/// Makes the streaming stores before it globally visible. On x86 that takes
/// sfence (or mfence): the `lock or` that LLVM emits for a seq_cst fence
/// orders ordinary stores only.
void RowEmitter::emitStreamingFence() {
  if (hostIsX86())
    LLVM::CallIntrinsicOp::create(b, b.getStringAttr("llvm.x86.sse.sfence"),
                                  ValueRange{});
  else
    LLVM::FenceOp::create(b, LLVM::AtomicOrdering::seq_cst);
}

/// Scales [begin, end) of one row, with streaming stores when `stream`
/// holds (decided at compile time when it is a constant).
void RowEmitter::scaleRangeChoosingStores(ValueRange rowIndices, Value begin,
                                          Value end, Value scale, Value stream,
                                          bool backward) {
  byCondition(stream, [&](bool nontemporal) {
    scaleRange(rowIndices, begin, end, scale, nontemporal, backward);
  });
}

void RowEmitter::byCondition(Value condition,
                             function_ref<void(bool holds)> body) {
  std::optional<int64_t> known =
      condition ? getConstantIntValue(condition) : std::optional<int64_t>(0);
  if (known)
    return body(*known);
  scf::IfOp::create(
      b, condition,
      [&](OpBuilder &, Location) {
        body(true);
        scf::YieldOp::create(b);
      },
      [&](OpBuilder &, Location) {
        body(false);
        scf::YieldOp::create(b);
      });
}

/// A row split into `slices` slices of `sliceElements` (the last one
/// shorter), each summed in parallel into a partial sum; the partial sums are
/// Kahan-added in order, so that the result does not depend on the thread
/// count; then each slice is scaled in parallel, backwards, with
/// streaming stores so that the output does not evict the slice from cache
/// before it is re-read. With a thread count (`splitThreads` >= 0), each of
/// min(threads, slices) workers takes a run of consecutive slices, sums them
/// in order and scales them in the reverse order: the slice it read last,
/// still in its L2, first (one thread, 1x1048576 f32: about 0.9 of the copy
/// bandwidth instead of 0.86). Slices are at most kMaxSliceBytes, so that
/// many threads each have a run: slices of the L2's size left a 4 MiB row
/// to two threads of sixteen (1x1048576 f32 on 16 cores: 44 GB/s, 0.12 of
/// the copy bandwidth).
void RowEmitter::emitSplitRow(ValueRange rowIndices, int64_t slices,
                              int64_t sliceElements) {
  auto partialsType = MemRefType::get({slices}, accType);
  Value partials = memref::AllocOp::create(b, partialsType);
  Value threads;
  if (opts.splitThreads >= 0) {
    threads = opts.splitThreads > 0 ? index(opts.splitThreads)
                                    : runtimeThreadCount();
    if (!threads)
      op.emitWarning("rms-vectorize: split-threads=0 cannot read "
                     "omp_get_max_threads() here (run the pass on the module "
                     "to declare it, or declare it as "
                     "@omp_get_max_threads() -> i32); one slice per "
                     "scf.forall iteration");
  }
  Value sliceCount = index(slices);
  Value workers = sliceCount;
  if (threads)
    workers = arith::MinUIOp::create(
        b, workers, arith::MaxUIOp::create(b, threads, index(1)));
  auto sliceBounds = [&](Value slice) -> std::pair<Value, Value> {
    Value begin = arith::MulIOp::create(b, slice, index(sliceElements));
    Value end = arith::MinUIOp::create(
        b, arith::AddIOp::create(b, begin, index(sliceElements)), rowSize);
    return {begin, end};
  };
  auto sumSlice = [&](Value slice) {
    auto [begin, end] = sliceBounds(slice);
    memref::StoreOp::create(b, sumOfSquares(rowIndices, begin, end), partials,
                            slice);
  };
  Value always = arith::ConstantIntOp::create(b, 1, 1);
  auto scaleSlice = [&](Value slice, Value scale) {
    auto [begin, end] = sliceBounds(slice);
    scaleRangeChoosingStores(rowIndices, begin, end, scale, always,
                             /*backward=*/true);
  };
  // `body(slice)` for each slice, in parallel over the workers: one slice
  // each without a thread count, else each worker's run of slices
  // [w * slices / workers, (w + 1) * slices / workers), from its last one
  // when `backward`.
  auto forEachSlice = [&](bool backward, function_ref<void(Value)> body) {
    scf::ForallOp::create(
        b, ArrayRef<OpFoldResult>{workers}, ValueRange{}, std::nullopt,
        [&](OpBuilder &, Location, ValueRange ivs) {
          if (!threads) {
            body(ivs[0]);
          } else {
            auto boundary = [&](Value worker) {
              return arith::DivUIOp::create(
                  b, arith::MulIOp::create(b, worker, sliceCount), workers);
            };
            Value first = boundary(ivs[0]);
            Value last = boundary(arith::AddIOp::create(b, ivs[0], index(1)));
            scf::ForOp::create(
                b, first, last, index(1), ValueRange{},
                [&](OpBuilder &, Location, Value k, ValueRange) {
                  Value slice = k;
                  if (backward)
                    slice = arith::SubIOp::create(
                        b,
                        arith::SubIOp::create(
                            b, arith::AddIOp::create(b, first, last),
                            index(1)),
                        k);
                  body(slice);
                  scf::YieldOp::create(b);
                });
          }
          scf::InParallelOp::create(b);
        });
  };
  forEachSlice(/*backward=*/false, sumSlice);

  Value zero = arith::ConstantOp::create(b, b.getFloatAttr(accType, 0.0));
  auto total = scf::ForOp::create(
      b, index(0), sliceCount, index(1), ValueRange{zero, zero},
      [&](OpBuilder &, Location, Value slice, ValueRange sums) {
        Value sum = sums[0], compensation = sums[1];
        compensatedAdd(sum, compensation,
                       memref::LoadOp::create(b, partials, slice));
        scf::YieldOp::create(b, ValueRange{sum, compensation});
      });
  Value sum =
      arith::SubFOp::create(b, total.getResult(0), total.getResult(1));
  memref::DeallocOp::create(b, partials);
  Value scale = scaleOf(sum);

  forEachSlice(/*backward=*/true,
               [&](Value slice) { scaleSlice(slice, scale); });
}

/// The number of threads an OpenMP parallel region would start here, or
/// null where `omp_get_max_threads` cannot be called (`createMaxThreadsCall`).
/// Functions are rewritten in parallel: the call goes to a declaration in
/// the module, which the pass adds beforehand when it runs on the module.
Value RowEmitter::runtimeThreadCount() {
  return createMaxThreadsCall(b, b.getLoc(), op->getParentOfType<ModuleOp>(),
                              /*mayDeclare=*/false);
}

/// The number of slices a row is split into, or 0 if it is not split: rows
/// of a static length longer than `split-bytes` are, into slices of at most
/// that many bytes and kMaxSliceBytes.
int64_t RowEmitter::sliceCount(int64_t &sliceElements) {
  int64_t staticSize = op.getInputType().getShape().back();
  if (opts.splitBytes <= 0 || ShapedType::isDynamic(staticSize))
    return 0;
  // Slices hold whole unrolled blocks, so that their starts stay aligned.
  int64_t blockElements = lanes * unroll * block;
  auto wholeBlocks = [&](int64_t bytes) {
    return llvm::divideCeil(bytes / elementBytes, blockElements) *
           blockElements;
  };
  if (llvm::divideCeil(staticSize, wholeBlocks(opts.splitBytes)) < 2)
    return 0;
  sliceElements = wholeBlocks(std::min(opts.splitBytes, kMaxSliceBytes));
  return llvm::divideCeil(staticSize, sliceElements);
}

int64_t RowEmitter::shortRowLength() {
  int64_t n = op.getInputType().getShape().back();
  if (ShapedType::isDynamic(n) || n == 0 ||
      n * elementBytes >= 2 * kMinStreamedRowBytes)
    return 0;
  return n;
}

int64_t RowEmitter::shortRowBytes() {
  return (elementBytes == 2 ? 2 : 1) * kMinStreamedRowBytes;
}

/// Rows of a static length shorter than a streamed row (512 bytes: 64 f32;
/// 1 KiB for 16-bit data, 256 f16 of a QK-norm head) spend most of their
/// time, swept like long rows, on what long rows amortize: the alignment of
/// the unrolled part, masked head and tail loops, the blocks of the
/// compensated sum. Here each row is its vectors, unrolled in full (the
/// last one masked where the length is not a multiple of the vector),
/// summed into two accumulators (a few hundred elements need no
/// compensation), kShortRowLag rows ahead of its scaling, so that the sums,
/// square roots and divisions of neighbouring rows overlap. A `length` of 0
/// stands for the dynamic row length (emitRows checks that it is short): the
/// vectors then run in loops over pairs, the rest as two masked vectors.
void RowEmitter::emitShortRows(ValueRange outerIndices, int64_t length,
                               bool mayStream) {
  int64_t vectors = llvm::divideCeil(length, lanes);
  int64_t full = length / lanes;
  Value tailMask;
  if (full < vectors)
    tailMask = vector::CreateMaskOp::create(b, maskType,
                                            index(length - full * lanes));
  auto maskOf = [&](int64_t v) { return v < full ? Value() : tailMask; };
  Value zero = splat(accVecType, 0.0);

  // A dynamic length (0) takes loops over pairs of vectors, [0, pairsEnd),
  // and two masked vectors for the rest.
  Value pairsEnd, restMasks[2];
  if (!length) {
    Value pair = index(2 * lanes);
    pairsEnd = arith::SubIOp::create(
        b, rowSize, arith::RemUIOp::create(b, rowSize, pair));
    Value rest = arith::SubIOp::create(b, rowSize, pairsEnd);
    restMasks[0] = vector::CreateMaskOp::create(b, maskType, rest);
    Value afterFirst = arith::SubIOp::create(b, rest, index(lanes));
    restMasks[1] = vector::CreateMaskOp::create(b, maskType, afterFirst);
  }
  auto restColumn = [&](int64_t v) {
    return v ? arith::AddIOp::create(b, pairsEnd, index(lanes)).getResult()
             : pairsEnd;
  };

  // Whole pairs of bf16 vectors are read as words (see splitWords).
  bool words = elementType.isBF16() && accType.isF32();
  auto dynamicSumOfSquares = [&](ArrayRef<Value> row) {
    auto pairs = scf::ForOp::create(
        b, index(0), pairsEnd, index(2 * lanes), ValueRange{zero, zero},
        [&](OpBuilder &, Location, Value column, ValueRange accs) {
          Value first, second;
          if (words) {
            std::tie(first, second) =
                splitWords(loadWords(op.getInput(), indices(row, column)));
          } else {
            first = load(op.getInput(), indices(row, column), Value());
            second = load(
                op.getInput(),
                indices(row, arith::AddIOp::create(b, column, index(lanes))),
                Value());
          }
          scf::YieldOp::create(
              b, ValueRange{vector::FMAOp::create(b, first, first, accs[0]),
                            vector::FMAOp::create(b, second, second, accs[1])});
        });
    Value accs[2] = {pairs.getResult(0), pairs.getResult(1)};
    for (int64_t v = 0; v < 2; ++v) {
      Value x = load(op.getInput(), indices(row, restColumn(v)), restMasks[v]);
      accs[v] = vector::FMAOp::create(b, x, x, accs[v]);
    }
    return std::pair(accs[0], accs[1]);
  };
  auto scaleOfRow = [&](ArrayRef<Value> row) {
    Value accs[2] = {zero, zero};
    if (!length)
      std::tie(accs[0], accs[1]) = dynamicSumOfSquares(row);
    for (int64_t v = 0; v < vectors; ++v) {
      SmallVector<Value> at = indices(row, index(v * lanes));
      if (words && v + 2 <= full) {
        auto [first, second] = splitWords(loadWords(op.getInput(), at));
        accs[0] = vector::FMAOp::create(b, first, first, accs[0]);
        accs[1] = vector::FMAOp::create(b, second, second, accs[1]);
        ++v;
        continue;
      }
      Value x = load(op.getInput(), at, maskOf(v));
      accs[v % 2] = vector::FMAOp::create(b, x, x, accs[v % 2]);
    }
    Value sum = vector::ReductionOp::create(
        b, vector::CombiningKind::ADD,
        arith::AddFOp::create(b, accs[0], accs[1]),
        arith::FastMathFlags::reassoc);
    return vector::BroadcastOp::create(b, accVecType, scaleOf(sum))
        .getResult();
  };
  int64_t group = storeGroup(/*nontemporal=*/false);
  // bf16 pairs of vectors are scaled as words too, against weights split
  // the same way (widenWeights), and rounded back into words.
  bool wordsOut = words && (!weights || splitWeights);
  // With `nontemporal` (f32 and f64 rows that start on a cache line), the
  // whole vectors are streamed.
  auto scaleRow = [&](ArrayRef<Value> row, Value scaleVector,
                      bool nontemporal) {
    if (!length) {
      scf::ForOp::create(
          b, index(0), pairsEnd, index(2 * lanes), ValueRange{},
          [&](OpBuilder &, Location, Value column, ValueRange) {
            for (int64_t v = 0; v < 2; v += group)
              storeScaled(row,
                          v ? arith::AddIOp::create(b, column, index(lanes))
                                  .getResult()
                            : column,
                          Value(), scaleVector, nontemporal, group);
            scf::YieldOp::create(b);
          });
      for (int64_t v = 0; v < 2; ++v)
        storeScaled(row, restColumn(v), restMasks[v], scaleVector,
                    /*nontemporal=*/false);
      return;
    }
    for (int64_t v = 0; v < vectors;) {
      if (wordsOut && v + 2 <= full) {
        SmallVector<Value> at = indices(row, index(v * lanes));
        auto [even, odd] = splitWords(loadWords(op.getInput(), at));
        even = arith::MulFOp::create(b, even, scaleVector);
        odd = arith::MulFOp::create(b, odd, scaleVector);
        if (weights) {
          even = arith::MulFOp::create(
              b, even, load(weights, {index(v * lanes)}, Value()));
          odd = arith::MulFOp::create(
              b, odd, load(weights, {index((v + 1) * lanes)}, Value()));
        }
        vector::StoreOp::create(b, narrowWords(even, odd), op.getInit(), at);
        v += 2;
        continue;
      }
      int64_t count = v + group <= full ? group : 1;
      storeScaled(row, index(v * lanes), maskOf(v), scaleVector,
                  nontemporal && !maskOf(v), count);
      v += count;
    }
  };
  // Outputs too large for the cache, of f32 or f64 rows that start on a
  // cache line, are streamed (65536x64 f32: 1.18 of the copy bandwidth at
  // one thread and 1.09 at two, against 1.00 with ordinary stores, which
  // read each line of the output before they write it); 16-bit rows, bound
  // by their conversions, gained nothing.
  Value stream = mayStream ? shortRowsStreamed() : Value();
  auto byStores = [&](function_ref<void(bool nontemporal)> body) {
    byCondition(stream, [&](bool nontemporal) {
      streamsShortRows |= nontemporal;
      body(nontemporal);
    });
  };
  int64_t rank = op.getInputType().getRank();
  if (rank == 1)
    return byStores([&](bool nontemporal) {
      scaleRow({}, scaleOfRow({}), nontemporal);
    });

  // Rows [0, kShortRowLag) are summed first; then iteration i sums row i
  // and scales row i - kShortRowLag, whose scale it carries. The last
  // iterations sum the last row again (their sums are not used): one body.
  auto rowAt = [&](Value row) {
    SmallVector<Value> result(outerIndices);
    result.push_back(row);
    return result;
  };
  Value rows = memref::DimOp::create(b, op.getInput(), rank - 2);
  Value lastRow = arith::SubIOp::create(b, rows, index(1));
  auto pipeline = [&](bool nontemporal) {
    SmallVector<Value> scales;
    for (int64_t i = 0; i < kShortRowLag; ++i)
      scales.push_back(
          scaleOfRow(rowAt(arith::MinUIOp::create(b, index(i), lastRow))));
    scf::ForOp::create(
        b, index(kShortRowLag),
        arith::AddIOp::create(b, rows, index(kShortRowLag)), index(1), scales,
        [&](OpBuilder &, Location, Value i, ValueRange carried) {
          Value next =
              scaleOfRow(rowAt(arith::MinUIOp::create(b, i, lastRow)));
          scaleRow(rowAt(arith::SubIOp::create(b, i, index(kShortRowLag))),
                   carried.front(), nontemporal);
          SmallVector<Value> yielded(carried.drop_front());
          yielded.push_back(next);
          scf::YieldOp::create(b, yielded);
        });
  };
  int64_t staticRows = op.getInputType().getDimSize(rank - 2);
  if (!ShapedType::isDynamic(staticRows)) {
    if (staticRows > 0)
      byStores(pipeline);
    return;
  }
  Value any =
      arith::CmpIOp::create(b, arith::CmpIPredicate::ugt, rows, index(0));
  scf::IfOp::create(b, any, [&](OpBuilder &, Location) {
    byStores(pipeline);
    scf::YieldOp::create(b);
  });
}

Value RowEmitter::shortRowsStreamed() {
  if (elementBytes < 4 || !bigOutput)
    return Value();
  // Every row starts on a cache line: the first one does, and so do the
  // strides of the leading dimensions. A static stride off the lines rules
  // it out at compile time.
  SmallVector<int64_t> strides;
  int64_t offset;
  if (succeeded(cast<MemRefType>(op.getInit().getType())
                    .getStridesAndOffset(strides, offset)) &&
      llvm::any_of(ArrayRef<int64_t>(strides).drop_back(), [&](int64_t s) {
        return !ShapedType::isDynamic(s) && s * elementBytes % kLineBytes;
      }))
    return Value();
  int64_t rank = op.getInputType().getRank();
  SmallVector<Value> firstRow(rank - 1, index(0));
  Value misaligned = arith::RemUIOp::create(
      b, byteAddress(outputAddress, firstRow, index(0)), index(kLineBytes));
  for (Value stride : ArrayRef<Value>(outputAddress.strides).drop_back())
    misaligned = arith::OrIOp::create(
        b, misaligned,
        arith::RemUIOp::create(
            b, arith::MulIOp::create(b, stride, index(elementBytes)),
            index(kLineBytes)));
  Value aligned = arith::CmpIOp::create(b, arith::CmpIPredicate::eq,
                                        misaligned, index(0));
  return arith::AndIOp::create(b, bigOutput, aligned);
}

void RowEmitter::emitRows(ValueRange outerIndices) {
  if (ShapedType::isDynamic(op.getInputType().getShape().back())) {
    // A dynamic row length picks at run time: long rows, or short rows as
    // those of a static length under 512 bytes (1 KiB for 16-bit data), in
    // loops rather than unrolled.
    Value isLong = arith::CmpIOp::create(
        b, arith::CmpIPredicate::uge,
        arith::MulIOp::create(b, rowSize, index(elementBytes)),
        index(shortRowBytes()));
    return byCondition(isLong, [&](bool longRows) {
      if (longRows)
        return emitLongRows(outerIndices);
      emitShortRows(outerIndices, /*length=*/0, /*mayStream=*/true);
    });
  }
  int64_t length = shortRowLength();
  if (!length)
    return emitLongRows(outerIndices);
  if (length * elementBytes < shortRowBytes())
    return emitShortRows(outerIndices, length, /*mayStream=*/true);
  // f32 and f64 rows of 512 bytes to 1 KiB are short where the output stays
  // in cache and long, with streaming stores, where it is streamed
  // (2048x128 f32 whole: 1.2-1.5x as fast; 65536x128 f32: 0.85 of the copy
  // bandwidth whole, 1.4 streamed).
  byCondition(streamOutput, [&](bool streamed) {
    if (streamed)
      return emitLongRows(outerIndices);
    emitShortRows(outerIndices, length, /*mayStream=*/false);
  });
}

void RowEmitter::emitLongRows(ValueRange outerIndices) {
  int64_t rank = op.getInputType().getRank();
  int64_t sliceElements = 0;
  int64_t slices = sliceCount(sliceElements);
  if (rank == 1) {
    if (slices)
      return emitSplitRow({}, slices, sliceElements);
    Value zero = index(0);
    Value sum = sumOfSquares({}, zero, rowSize);
    return scaleRangeChoosingStores({}, zero, rowSize, scaleOf(sum),
                                    streamOutput, /*backward=*/false);
  }
  auto rowAt = [&](Value row) {
    SmallVector<Value> result(outerIndices);
    result.push_back(row);
    return result;
  };
  Value rows = memref::DimOp::create(b, op.getInput(), rank - 2);
  if (slices) {
    scf::ForOp::create(b, index(0), rows, index(1), ValueRange{},
                       [&](OpBuilder &, Location, Value row, ValueRange) {
                         emitSplitRow(rowAt(row), slices, sliceElements);
                         scf::YieldOp::create(b);
                       });
    return;
  }

  Value lastRow = arith::SubIOp::create(b, rows, index(1));
  // Each row is summed, then scaled while it is still in cache.
  // f16 rows of tiles of kMinRowsKeepingProducts rows or more keep their
  // products (`keepsProducts`), chosen at run time where the count is
  // dynamic.
  auto twoSweeps = [&](Value stream) {
    auto sweeps = [&](bool keepProducts) {
      if (keepProducts)
        allocateProducts();
      scf::ForOp::create(
          b, index(0), rows, index(1), ValueRange{},
          [&](OpBuilder &, Location, Value row, ValueRange) {
            Value zero = index(0);
            SmallVector<Value> at = rowAt(row);
            Value sum = sumOfSquares(at, zero, rowSize);
            nextRow = rowAt(arith::MinUIOp::create(
                b, arith::AddIOp::create(b, row, index(1)), lastRow));
            scaleRangeChoosingStores(at, zero, rowSize, scaleOf(sum), stream,
                                     /*backward=*/false);
            nextRow.clear();
            scf::YieldOp::create(b);
          });
      releaseProducts();
    };
    if (!keepsProducts())
      return sweeps(false);
    byCondition(b.createOrFold<arith::CmpIOp>(
                    arith::CmpIPredicate::uge, rows,
                    index(kMinRowsKeepingProducts)),
                sweeps);
  };
  // The first row is summed alone; then each sweep scales a row and sums
  // the next. The last sweep sums the last row again (from cache; its sum
  // is not used): one sweep body instead of a second one for the last row
  // keeps the code, and the compile time, that of two sweeps per row.
  auto fused = [&](Value stream) {
    Value any =
        arith::CmpIOp::create(b, arith::CmpIPredicate::ugt, rows, index(0));
    if (keepsProducts())
      allocateProducts();
    scf::IfOp::create(b, any, [&](OpBuilder &, Location) {
      Value zero = index(0);
      Value first = sumOfSquares(rowAt(zero), zero, rowSize);
      scf::ForOp::create(
          b, zero, rows, index(1), ValueRange{first},
          [&](OpBuilder &, Location, Value row, ValueRange sum) {
            Value next = arith::MinUIOp::create(
                b, arith::AddIOp::create(b, row, index(1)), lastRow);
            nextRow = rowAt(arith::MinUIOp::create(
                b, arith::AddIOp::create(b, row, index(2)), lastRow));
            scf::YieldOp::create(
                b, scaleRowAndSumNextChoosingStores(rowAt(row), rowAt(next),
                                                    scaleOf(sum[0]), stream));
            nextRow.clear();
          });
      scf::YieldOp::create(b);
    });
    releaseProducts();
  };
  // Fused sweeps measured faster where the output is streamed (2048x4096
  // f16/bf16: 0.77 -> 0.89 of copy; 1000x1023 f32: 24.5 and 49.4-51.3 GB/s
  // at 1 and 2 threads against 22.0 and 43.3-44.9; 8192x8192 +2%), and for
  // bf16 also in cache (128x4096: +16% at one thread, +4% at two). f32 and
  // f16 rows kept in cache ran slower fused (64x4096 f32: 0.86-0.95 of the
  // two sweeps' speed; 4x4096 f16 with kept products: 0.74, 16x4096: 0.89),
  // and a single row fused would be summed twice.
  int64_t rowCount = staticRowCount();
  if (opts.fuseRows > 0 ||
      (opts.fuseRows < 0 && elementType.isBF16() && rowCount != 1))
    return fused(streamOutput);
  if (opts.fuseRows == 0 || !streamOutput || rowCount == 1)
    return twoSweeps(streamOutput);
  byCondition(streamOutput, [&](bool streamed) {
    Value stream = arith::ConstantIntOp::create(b, streamed, 1);
    if (streamed)
      return fused(stream);
    twoSweeps(stream);
  });
}

/// Copies `from` into `to`, memrefs of the same shape, one element at a time
/// (the loops `linalg.copy` lowers to, without a linalg pass to run).
static void copyElements(OpBuilder &b, Location loc, Value from, Value to) {
  int64_t rank = cast<MemRefType>(from.getType()).getRank();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  SmallVector<Value> lbs(rank, zero), steps(rank, one), ubs;
  for (int64_t dim = 0; dim < rank; ++dim)
    ubs.push_back(memref::DimOp::create(b, loc, from, dim));
  scf::buildLoopNest(b, loc, lbs, ubs, steps,
                     [&](OpBuilder &nested, Location loc, ValueRange ivs) {
                       Value element =
                           memref::LoadOp::create(nested, loc, from, ivs);
                       memref::StoreOp::create(nested, loc, element, to, ivs);
                     });
}

namespace {
/// Gives a memref `rms.norm` contiguous rows: operands whose innermost
/// dimension is strided are copied into (or, for `init`, out of) contiguous
/// buffers around a new `rms.norm`, which VectorizeNorm then lowers.
struct MakeRowsContiguous : public OpRewritePattern<NormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(NormOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureBufferSemantics() ||
        llvm::all_of(op->getOperands(), [](Value v) {
          return hasUnitInnerStride(cast<MemRefType>(v.getType()));
        }))
      return failure();
    Location loc = op.getLoc();
    auto contiguous = [&](Value buffer) -> Value {
      auto type = cast<MemRefType>(buffer.getType());
      if (hasUnitInnerStride(type))
        return buffer;
      SmallVector<Value> dynamicSizes;
      for (int64_t dim = 0; dim < type.getRank(); ++dim)
        if (type.isDynamicDim(dim))
          dynamicSizes.push_back(
              memref::DimOp::create(rewriter, loc, buffer, dim));
      auto contiguousType =
          MemRefType::get(type.getShape(), type.getElementType());
      return memref::AllocOp::create(rewriter, loc, contiguousType,
                                     dynamicSizes);
    };
    auto copyIn = [&](Value buffer) -> Value {
      Value copy = contiguous(buffer);
      if (copy != buffer)
        copyElements(rewriter, loc, buffer, copy);
      return copy;
    };
    Value input = copyIn(op.getInput());
    Value weight = op.getWeight() ? copyIn(op.getWeight()) : Value();
    Value init = contiguous(op.getInit());
    NormOp::create(rewriter, loc, TypeRange(), input, weight, init,
                   op.getEpsilonAttr());
    if (init != op.getInit())
      copyElements(rewriter, loc, init, op.getInit());
    for (Value copy : {input, weight, init})
      if (copy && copy.getDefiningOp<memref::AllocOp>())
        memref::DeallocOp::create(rewriter, loc, copy);
    rewriter.eraseOp(op);
    return success();
  }
};

/// Lowers one memref `rms.norm` to a loop nest over its rows.
struct VectorizeNorm : public OpRewritePattern<NormOp> {
  VectorizeNorm(MLIRContext *ctx, VectorizeOptions options)
      : OpRewritePattern(ctx), options(options) {}

  LogicalResult matchAndRewrite(NormOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureBufferSemantics())
      return rewriter.notifyMatchFailure(op, "expected memref operands");
    for (Value operand : op->getOperands())
      if (!hasUnitInnerStride(cast<MemRefType>(operand.getType())))
        return rewriter.notifyMatchFailure(
            op, "expected a unit stride in the innermost dimension");

    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    VectorizeOptions resolved = options.resolvedForHost();
    RowEmitter emitter(b, op, resolved);
    emitter.emitPrologue();
    Value input = op.getInput();
    int64_t rank = op.getInputType().getRank();
    SmallVector<Value> lbs, ubs, steps;
    for (int64_t dim = 0; dim + 2 < rank; ++dim) {
      lbs.push_back(arith::ConstantIndexOp::create(b, 0));
      ubs.push_back(memref::DimOp::create(b, input, dim));
      steps.push_back(arith::ConstantIndexOp::create(b, 1));
    }
    scf::buildLoopNest(b, op.getLoc(), lbs, ubs, steps,
                       [&](OpBuilder &, Location, ValueRange outer) {
                         emitter.emitRows(outer);
                       });
    emitter.emitEpilogue();
    rewriter.eraseOp(op);
    return success();
  }

  VectorizeOptions options;
};

struct RmsVectorizePass
    : public rms::impl::RmsVectorizeBase<RmsVectorizePass> {
  using RmsVectorizeBase::RmsVectorizeBase;

  void runOnOperation() override {
    auto optionError = [&](StringRef message) {
      getOperation()->emitError("rms-vectorize: ") << message;
      signalPassFailure();
    };
    if (vectorBits != 0 && (vectorBits < 8 || vectorBits > 4096 ||
                            !llvm::isPowerOf2_64(vectorBits)))
      return optionError(
          "vector-bits must be 0 or a power of two in [8, 4096]");
    if (unroll < 1 || unroll > 64)
      return optionError("unroll must be in [1, 64]");
    if (block < 1)
      return optionError("block must be >= 1");
    if (nontemporalBytes < -1)
      return optionError("nontemporal-bytes must be >= -1");
    if (splitBytes < -1)
      return optionError("split-bytes must be >= -1");
    if (splitThreads < -1)
      return optionError("split-threads must be >= -1");
    if (fuseRows < -1 || fuseRows > 1)
      return optionError("fuse-rows must be -1, 0 or 1");
    if (avx512BF16 < -1 || avx512BF16 > 1)
      return optionError("avx512-bf16 must be -1, 0 or 1");
    RewritePatternSet patterns(&getContext());
    VectorizeOptions options;
    options.vectorBits = vectorBits;
    options.unroll = unroll;
    options.block = block;
    options.nontemporalBytes = nontemporalBytes;
    options.splitBytes = splitBytes;
    options.splitThreads = splitThreads;
    options.fuseRows = fuseRows;
    options.avx512BF16 = avx512BF16;
    populateRmsVectorizePatterns(patterns, options);
    FrozenRewritePatternSet frozen(std::move(patterns));
    // The rewritten norms are folded as they are built; the regions they
    // leave are simplified by the canonicalization that follows.
    GreedyRewriteConfig config;
    config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);

    // Split rows may ask the OpenMP runtime for the thread count: on a
    // module, its declaration is added before the functions are rewritten
    // (in parallel, they must not add symbols), and removed if unused.
    Operation *root = getOperation();
    auto module = dyn_cast<ModuleOp>(root);
    LLVM::LLVMFuncOp declared;
    if (module && splitThreads == 0 &&
        !module.lookupSymbol("omp_get_max_threads")) {
      OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
      FailureOr<LLVM::LLVMFuncOp> fn = LLVM::lookupOrCreateFn(
          b, module, "omp_get_max_threads", {}, b.getI32Type());
      if (succeeded(fn))
        declared = *fn;
    }

    // The ops directly inside the root that hold norms are rewritten each
    // on its own, in parallel where they are isolated from above (the
    // functions of a module: 100 norms vectorized in 0.2 s on one thread).
    auto holdsNorm = [](Operation *op) {
      return op
          ->walk([](NormOp norm) {
            return norm.hasPureBufferSemantics() ? WalkResult::interrupt()
                                                 : WalkResult::advance();
          })
          .wasInterrupted();
    };
    SmallVector<Operation *> isolated;
    bool others = false;
    for (Region &region : root->getRegions())
      for (Block &block : region)
        for (Operation &op : block) {
          if (!holdsNorm(&op))
            continue;
          if (op.hasTrait<OpTrait::IsIsolatedFromAbove>())
            isolated.push_back(&op);
          else
            others = true;
        }
    if (failed(failableParallelForEach(
            &getContext(), isolated, [&](Operation *op) {
              return applyPatternsGreedily(op, frozen, config);
            })))
      return signalPassFailure();
    if (others && failed(applyPatternsGreedily(root, frozen, config)))
      return signalPassFailure();

    if (declared && SymbolTable::symbolKnownUseEmpty(declared, module))
      declared.erase();
  }
};
} // namespace

void mlir::rms::populateRmsVectorizePatterns(RewritePatternSet &patterns,
                                             const VectorizeOptions &options) {
  patterns.add<MakeRowsContiguous>(patterns.getContext());
  patterns.add<VectorizeNorm>(patterns.getContext(), options);
}
