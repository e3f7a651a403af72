//===- RmsTile.cpp - tile rms.norm into parallel row tiles ----------------===//
//
// Implements `rms-tile`: tiles `rms.norm` ops (tensors or memrefs) through
// their TilingInterface into an `scf.forall` over tiles of whole rows, so that
// the tiles can run on separate threads. Given the thread count (or asked to
// read it at run time), it makes no more tiles than threads unless the
// default tiles are larger, about eight per thread of inputs too large for
// the cache (a loop to schedule dynamically), and none of fewer than 32K
// elements.
//
//===----------------------------------------------------------------------===//

#include "rms/Dialect/Rms/IR/Rms.h"
#include "rms/Dialect/Rms/Transforms/Passes.h"
#include "rms/Dialect/Rms/Utils/OpenMP.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/Support/Threading.h"

#include <algorithm>

namespace mlir::rms {
#define GEN_PASS_DEF_RMSTILE
#include "rms/Dialect/Rms/Transforms/Passes.h.inc"
} // namespace mlir::rms

using namespace mlir;
using namespace mlir::rms;

/// About this many bytes of input per tile when the row length is known:
/// enough work per tile to amortize the per-tile set-up (widened weights, the
/// fence after streaming stores, the first row of a fused tile summed alone,
/// the next row not prefetched across a tile's end), small enough to balance
/// the threads.
static constexpr int64_t kTargetTileBytes = 256 * 1024;
/// Inputs large enough to make this many tiles of more than the target get
/// tiles of up to `kLargeTileBytes`: as many tiles as threads on any machine,
/// fewer tile ends (8192x8192 f32 with 1 MiB tiles: 1.5-4% faster).
static constexpr int64_t kEnoughTiles = 256;
static constexpr int64_t kLargeTileBytes = 1024 * 1024;

/// Where tiles follow the thread count: no tile holds fewer elements than
/// this, whatever the threads. Splitting 64K elements in two measured
/// faster at two threads (16x4096 f32 +33%, 16x4096 f16 +36%), splitting
/// 32K slower (8x4096 f32 -16%, f16 -17%): a parallel region costs about
/// what 16K elements take.
static constexpr int64_t kMinTileElements = 32 * 1024;

/// Tiles per thread of inputs too large for the cache (`balance-bytes`),
/// which the threads claim as they finish: enough that a thread slowed down
/// hands its share to the others, few enough that the set-up of each tile
/// stays small (2048x4096 f16 at two threads: tiles of 512 KiB and 1 MiB
/// 9-10% faster than a tile per thread, of 2 MiB 5%; as many tiles
/// scheduled statically 0-4% slower).
static constexpr int64_t kBalancedTilesPerThread = 8;

/// Rows per tile for `op` when the user did not choose.
static int64_t defaultTileRows(NormOp op) {
  ShapedType type = op.getInputType();
  int64_t rowSize = type.getShape().back();
  if (ShapedType::isDynamic(rowSize) || rowSize == 0)
    return 8;
  int64_t rowBytes = rowSize * type.getElementTypeBitWidth() / 8;
  int64_t tileBytes = kTargetTileBytes;
  if (type.hasStaticShape())
    tileBytes = std::clamp<int64_t>(
        type.getNumElements() * type.getElementTypeBitWidth() / 8 /
            kEnoughTiles,
        kTargetTileBytes, kLargeTileBytes);
  return std::max<int64_t>(1, tileBytes / std::max<int64_t>(rowBytes, 1));
}

/// The fewest rows of `op` that hold kMinTileElements, or 0 where the row
/// length is dynamic.
static int64_t minTileRows(NormOp op) {
  int64_t rowSize = op.getInputType().getShape().back();
  if (ShapedType::isDynamic(rowSize) || rowSize == 0)
    return 0;
  return llvm::divideCeil(kMinTileElements, rowSize);
}

/// Whether each tile of `op` sets up something of its own, which fewer tiles
/// save: 16-bit weights widened, the first row of fused rows summed alone
/// (16-bit rows, streamed f32/f64 rows), the fence after streaming stores.
/// Short f32/f64 rows have none, and keep tiles of a static size, whose row
/// loops have static bounds (65536x64 f32: 1-3% faster than a tile per
/// thread).
static bool hasTileSetUp(NormOp op) {
  ShapedType type = op.getInputType();
  int64_t rowSize = type.getShape().back();
  int64_t bits = type.getElementTypeBitWidth();
  return bits < 32 || ShapedType::isDynamic(rowSize) ||
         rowSize * bits / 8 >= kMinStreamedRowBytes;
}

/// Inputs at least this large are balanced by default: twice the L2 caches
/// of the threads together (`threads`, else the host's cores), too large to
/// stay in cache from one call to the next. (1000x1023 f32, 4 MB on two
/// cores of 2 MiB of L2: 11% slower at two threads in balanced tiles, which
/// do not come back to the thread that has them in cache.)
static int64_t defaultBalanceBytes(int64_t threads) {
  int64_t l2 = getHostCacheBytes(/*level=*/2);
  if (l2 <= 0)
    l2 = 1 << 20;
  int64_t cores = threads > 0 ? threads : llvm::get_physical_cores();
  return 2 * l2 * std::max<int64_t>(cores, 1);
}

/// Whether the input of `op` has at least `balanceBytes` bytes, as an i1:
/// a constant where its shape is static, computed at run time otherwise.
static Value isLargeInput(OpBuilder &b, NormOp op, int64_t balanceBytes) {
  Location loc = op.getLoc();
  ShapedType type = op.getInputType();
  Value bytes = arith::ConstantIndexOp::create(
      b, loc, type.getElementTypeBitWidth() / 8);
  for (int64_t d = 0; d < type.getRank(); ++d)
    bytes = b.createOrFold<arith::MulIOp>(
        loc, bytes, linalg::createOrFoldDimOp(b, loc, op.getInput(), d));
  return b.createOrFold<arith::CmpIOp>(
      loc, arith::CmpIPredicate::uge, bytes,
      arith::ConstantIndexOp::create(b, loc, balanceBytes));
}

/// Rows per tile for `op` running on `threads` tiles (an index value): at
/// least `minRows`, and enough that the tiles are no more than `threads`,
/// counting a tile per index of the outer leading dimensions (which are
/// tiled by 1). Folds to a constant when the shape and `threads` are static.
static OpFoldResult rowsForThreads(OpBuilder &b, Location loc, NormOp op,
                                   int64_t minRows, Value threads) {
  int64_t rank = op.getInputType().getRank();
  auto dim = [&](int64_t d) {
    return linalg::createOrFoldDimOp(b, loc, op.getInput(), d);
  };
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto ceilDiv = [&](Value lhs, Value rhs) -> Value {
    return b.createOrFold<arith::CeilDivUIOp>(
        loc, lhs, b.createOrFold<arith::MaxUIOp>(loc, rhs, one));
  };
  Value outer = one;
  for (int64_t d = 0; d < rank - 2; ++d)
    outer = b.createOrFold<arith::MulIOp>(loc, outer, dim(d));
  Value tilesPerOuter = ceilDiv(threads, outer);
  Value rows = ceilDiv(dim(rank - 2), tilesPerOuter);
  return getAsOpFoldResult(b.createOrFold<arith::MaxUIOp>(
      loc, rows, arith::ConstantIndexOp::create(b, loc, minRows)));
}

namespace {
struct RmsTilePass : public rms::impl::RmsTileBase<RmsTilePass> {
  using RmsTileBase::RmsTileBase;

  void runOnOperation() override {
    if (tileRows < 0) {
      getOperation()->emitError("rms-tile: tile-rows must be >= 0");
      return signalPassFailure();
    }
    if (threads < -1) {
      getOperation()->emitError("rms-tile: threads must be >= -1");
      return signalPassFailure();
    }
    if (balanceBytes < -1) {
      getOperation()->emitError("rms-tile: balance-bytes must be >= -1");
      return signalPassFailure();
    }
    int64_t largeBytes =
        balanceBytes >= 0 ? balanceBytes : defaultBalanceBytes(threads);
    SmallVector<NormOp> ops;
    getOperation()->walk([&](NormOp op) {
      // Rank-1 norms are a single row, and a static dimension of 0 leaves
      // no element: there is nothing to tile (the slices of an empty
      // dimension would not even verify). Tensors and memrefs are tiled
      // alike.
      ShapedType type = op.getInputType();
      if (type.getRank() > 1 && !llvm::is_contained(type.getShape(), 0))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (NormOp op : ops) {
      int64_t rank = op.getInputType().getRank();
      rewriter.setInsertionPoint(op);
      int64_t fixedRows = tileRows > 0 ? tileRows : defaultTileRows(op);
      OpFoldResult rows = rewriter.getIndexAttr(fixedRows);
      // Tiles of ops with a per-tile set-up follow the thread count, down
      // to kMinTileElements where the row length is known, to the default
      // tile otherwise.
      bool perThread = tileRows == 0 && threads >= 0 && hasTileSetUp(op);
      int64_t minRows = fixedRows;
      if (int64_t rowsOfMinTile = minTileRows(op); perThread && rowsOfMinTile)
        minRows = std::min(fixedRows, rowsOfMinTile);
      // A static row count that one tile holds stays one static tile,
      // which canonicalization removes: no loop, and a split row's own
      // parallel loop is then the outermost one.
      int64_t staticRows = op.getInputType().getDimSize(rank - 2);
      bool oneTile =
          !ShapedType::isDynamic(staticRows) && staticRows <= minRows;
      // Inputs too large for the cache get several tiles per thread, which
      // the threads claim as they finish (where there may be more than one);
      // a dynamic shape is measured at run time.
      Value large;
      if (perThread && !oneTile && threads != 1 && largeBytes > 0)
        large = isLargeInput(rewriter, op, largeBytes);
      std::optional<int64_t> knownLarge =
          large ? getConstantIntValue(large) : std::optional<int64_t>(0);
      bool balanced = !knownLarge || *knownLarge;
      if (perThread && !oneTile) {
        Location loc = op.getLoc();
        Value threadCount =
            threads > 0 ? arith::ConstantIndexOp::create(rewriter, loc, threads)
                        : readThreadCount(op);
        if (threadCount && balanced)
          threadCount = rewriter.createOrFold<arith::SelectOp>(
              loc, large,
              rewriter.createOrFold<arith::MulIOp>(
                  loc, threadCount,
                  arith::ConstantIndexOp::create(rewriter, loc,
                                                 kBalancedTilesPerThread)),
              threadCount);
        if (threadCount)
          rows = rowsForThreads(rewriter, loc, op, minRows, threadCount);
        balanced = balanced && threadCount;
      }
      // Rows that one default tile holds, split only for the threads: where
      // one thread takes them all at run time the op stays whole, as a
      // static tile (a one-thread parallel region around a dynamic tile ran
      // 5-10% slower: 16x4096 f32, 32x4096 bf16).
      if (perThread && !oneTile && !balanced && rank == 2 &&
          !ShapedType::isDynamic(staticRows) && staticRows <= fixedRows &&
          !getConstantIntValue(rows)) {
        if (failed(tileUnlessWhole(rewriter, op, rows, staticRows)))
          return signalPassFailure();
        continue;
      }
      if (failed(tile(rewriter, op, rows, balanced)))
        return signalPassFailure();
    }
  }

  /// Tiles `op`, outer leading dimensions by 1, the innermost one by `rows`,
  /// and the normalized dimension not at all; marks the loop
  /// `rms.schedule = "dynamic"` where `balanced`, "static" otherwise.
  LogicalResult tile(IRRewriter &rewriter, NormOp op, OpFoldResult rows,
                     bool balanced = false) {
    int64_t rank = op.getInputType().getRank();
    SmallVector<OpFoldResult> sizes(rank - 2, rewriter.getIndexAttr(1));
    sizes.push_back(rows);
    sizes.push_back(rewriter.getIndexAttr(0));
    scf::SCFTilingOptions options;
    options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
    options.setTileSizes(sizes);
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
        rewriter, cast<TilingInterface>(op.getOperation()), options);
    if (failed(tiled))
      return op.emitOpError("could not be tiled");
    tiled->loops.front()->setAttr(
        kScheduleAttrName,
        rewriter.getStringAttr(balanced ? "dynamic" : "static"));
    rewriter.replaceOp(op, tiled->replacements);
    return success();
  }

  /// `scf.if rows >= staticRows` the rank-2 `op` as it is, else tiled by
  /// `rows`.
  LogicalResult tileUnlessWhole(IRRewriter &rewriter, NormOp op,
                                OpFoldResult rows, int64_t staticRows) {
    Location loc = op.getLoc();
    Value whole = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::uge, cast<Value>(rows),
        arith::ConstantIndexOp::create(rewriter, loc, staticRows));
    auto ifOp = scf::IfOp::create(rewriter, loc, op->getResultTypes(), whole,
                                  /*addThenBlock=*/true,
                                  /*addElseBlock=*/true);
    rewriter.setInsertionPointToStart(ifOp.thenBlock());
    Operation *kept = rewriter.clone(*op);
    scf::YieldOp::create(rewriter, loc, kept->getResults());
    rewriter.setInsertionPointToStart(ifOp.elseBlock());
    auto split = cast<NormOp>(rewriter.clone(*op));
    scf::YieldOp::create(rewriter, loc, split->getResults());
    if (failed(tile(rewriter, split, rows)))
      return failure();
    rewriter.replaceOp(op, ifOp.getResults());
    return success();
  }

  /// Reads the OpenMP runtime's thread count before `op`; null, with a
  /// warning, where `omp_get_max_threads` is not available: the op keeps
  /// the default tiles then.
  Value readThreadCount(NormOp op) {
    OpBuilder b(op);
    auto module = dyn_cast<ModuleOp>(getOperation());
    Value count = createMaxThreadsCall(
        b, op.getLoc(), module ? module : op->getParentOfType<ModuleOp>(),
        /*mayDeclare=*/static_cast<bool>(module));
    if (!count)
      op.emitWarning(
          "rms-tile: threads=0 cannot read omp_get_max_threads() here (run "
          "the pass on the module to declare it, or declare it as "
          "@omp_get_max_threads() -> i32); keeping the default tiles");
    return count;
  }
};
} // namespace
