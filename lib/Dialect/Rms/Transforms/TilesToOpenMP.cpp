//===- TilesToOpenMP.cpp - row tiles to OpenMP parallel regions -----------===//
//
// Implements `rms-tiles-to-openmp`: every bufferized `scf.forall` that
// `rms-tile` marked `rms.schedule` becomes an OpenMP parallel region where
// it has several tiles, and a loop on the calling thread where it has one
// (an `scf.if` of the two, calling the tile's body outlined into a private
// function, where the count is known at run time only). Its tiles are
// split among the threads the way a static schedule does, by the thread
// numbers, or, marked "dynamic" and more than the threads, claimed by the
// threads as they finish, through an atomic count of the tiles claimed (a
// schedule `convert-scf-to-openmp` cannot express).
//
//===----------------------------------------------------------------------===//

#include "rms/Dialect/Rms/Transforms/Passes.h"
#include "rms/Dialect/Rms/Utils/OpenMP.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::rms {
#define GEN_PASS_DEF_RMSTILESTOOPENMP
#include "rms/Dialect/Rms/Transforms/Passes.h.inc"
} // namespace mlir::rms

using namespace mlir;

/// Moves the body of `forall` into a new `memref.alloca_scope` at
/// `rewriter`'s insertion point, its induction variables replaced by `ivs`.
/// The scope bounds the stack allocations of an iteration, as
/// convert-scf-to-openmp's does.
static void inlineBodyInScope(RewriterBase &rewriter, scf::ForallOp forall,
                              ValueRange ivs) {
  Location loc = forall.getLoc();
  auto scope = memref::AllocaScopeOp::create(rewriter, loc, TypeRange());
  OpBuilder::InsertionGuard guard(rewriter);
  Block *body = forall.getBody();
  rewriter.eraseOp(body->getTerminator());
  Block *scopeBody = rewriter.createBlock(&scope.getBodyRegion());
  rewriter.mergeBlocks(body, scopeBody, ivs);
  memref::AllocaScopeReturnOp::create(rewriter, loc, ValueRange());
}

/// A name for the function outlined from a tile loop of `function`, free in
/// the symbol table that holds `function`.
static std::string outlinedTileName(FunctionOpInterface function) {
  Operation *table =
      SymbolTable::getNearestSymbolTable(function->getParentOp());
  std::string base = (function.getName() + "_tile").str();
  std::string name = base;
  for (int suffix = 0; SymbolTable::lookupSymbolIn(table, name); ++suffix)
    name = base + "_" + std::to_string(suffix);
  return name;
}

/// Copies the constants that the body of `forall` uses from above into it,
/// so that its outlined function makes them rather than taking them as
/// arguments (vectors among them).
static void sinkConstants(RewriterBase &rewriter, scf::ForallOp forall) {
  SetVector<Value> captures;
  getUsedValuesDefinedAbove(forall.getRegion(), captures);
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(forall.getBody());
  for (Value value : captures) {
    Operation *definition = value.getDefiningOp();
    if (!definition || !definition->hasTrait<OpTrait::ConstantLike>())
      continue;
    Value copy = rewriter.clone(*definition)->getResult(0);
    rewriter.replaceUsesWithIf(value, copy, [&](OpOperand &use) {
      return forall->isProperAncestor(use.getOwner());
    });
  }
}

/// Makes `forall`'s body a private function that the body calls (internal
/// in LLVM: no symbol of the object file), and returns the call.
static func::CallOp outlineBody(RewriterBase &rewriter, scf::ForallOp forall) {
  sinkConstants(rewriter, forall);
  auto function = forall->getParentOfType<FunctionOpInterface>();
  func::CallOp call;
  FailureOr<func::FuncOp> outlined =
      outlineSingleBlockRegion(rewriter, forall.getLoc(), forall.getRegion(),
                               outlinedTileName(function), &call);
  assert(succeeded(outlined) && "a forall has a single block");
  (*outlined).setPrivate();
  (*outlined)->setAttr("llvm.linkage", // what func-to-llvm reads
                       LLVM::LinkageAttr::get(rewriter.getContext(),
                                              LLVM::Linkage::Internal));
  return call;
}

LogicalResult rms::lowerTilesToOpenMP(RewriterBase &rewriter,
                                      scf::ForallOp forall, bool dynamic,
                                      unsigned numThreads) {
  assert(forall.getOutputs().empty() && "the forall must be bufferized");
  auto module = forall->getParentOfType<ModuleOp>();
  Location loc = forall.getLoc();
  rewriter.setInsertionPoint(forall);
  SmallVector<Value> lbs = forall.getLowerBound(rewriter);
  SmallVector<Value> ubs = forall.getUpperBound(rewriter);
  SmallVector<Value> steps = forall.getStep(rewriter);
  auto index = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(rewriter, loc, value);
  };
  // The number of tiles, per dimension and in all.
  SmallVector<Value> counts;
  Value tiles = index(1);
  for (auto [lb, ub, step] : llvm::zip_equal(lbs, ubs, steps)) {
    counts.push_back(rewriter.createOrFold<arith::CeilDivUIOp>(
        loc, rewriter.createOrFold<arith::SubIOp>(loc, ub, lb), step));
    tiles = rewriter.createOrFold<arith::MulIOp>(loc, tiles, counts.back());
  }
  int64_t rank = forall.getRank();

  // The body of tile number `tile` (the last dimension varying fastest):
  // the forall's, in an alloca scope that bounds its stack allocations as
  // convert-scf-to-openmp's does, or a copy of `call`, its outlined form.
  func::CallOp call;
  auto runTile = [&](Value tile) {
    SmallVector<Value> ivs(rank);
    for (int64_t d = rank - 1; d >= 0; --d) {
      Value position =
          d ? arith::RemUIOp::create(rewriter, loc, tile, counts[d]).getResult()
            : tile;
      ivs[d] = arith::AddIOp::create(
          rewriter, loc, lbs[d],
          arith::MulIOp::create(rewriter, loc, position, steps[d]));
      if (d)
        tile = arith::DivUIOp::create(rewriter, loc, tile, counts[d]);
    }
    if (!call)
      return inlineBodyInScope(rewriter, forall, ivs);
    IRMapping mapping;
    mapping.map(forall.getInductionVars(), ivs);
    rewriter.clone(*call, mapping);
  };
  // The tiles (none or one) on the calling thread, without OpenMP: a
  // parallel region that the runtime serializes still costs 0.2-0.4 us a
  // call (libomp makes a team of one and frees it; a one-row norm of a
  // dynamic shape, 1x4096 f16, takes about 0.8 us).
  auto runOnCallingThread = [&]() {
    scf::ForOp::create(rewriter, loc, index(0), tiles, index(1), ValueRange{},
                       [&](OpBuilder &, Location, Value tile, ValueRange) {
                         runTile(tile);
                         scf::YieldOp::create(rewriter, loc);
                       });
  };

  std::optional<int64_t> knownTiles = getConstantIntValue(tiles);
  if (!knownTiles && !forall->getParentOfType<FunctionOpInterface>())
    return forall.emitOpError("marked ")
           << rms::kScheduleAttrName
           << " with a tile count known at run time only must be in a "
              "function, into which its body is outlined";
  if (knownTiles && *knownTiles <= 1) {
    runOnCallingThread();
    rewriter.eraseOp(forall);
    return success();
  }
  // A count known at run time only: a parallel region where there are
  // several tiles, else the calling thread. The body is outlined into a
  // function that both call, so that it is not emitted twice.
  Operation *root = nullptr;
  scf::IfOp several;
  if (!knownTiles) {
    several = scf::IfOp::create(
        rewriter, loc,
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ugt, tiles,
                              index(1)),
        /*withElseRegion=*/true);
    root = several;
    rewriter.setInsertionPointToStart(several.thenBlock());
  }

  // A team no larger than the tiles: a thread that would find no tile is
  // not woken, and the region's barrier does not wait for it (on 16 cores,
  // a 1 MiB norm has 8 tiles).
  Value team = numThreads > 0 ? index(numThreads)
                              : createMaxThreadsCall(rewriter, loc, module,
                                                     /*mayDeclare=*/true);
  if (!team) {
    if (root)
      rewriter.eraseOp(root);
    return forall.emitOpError(
        "cannot call omp_get_max_threads(): the module has another symbol "
        "of that name");
  }
  Value teamSize = rewriter.createOrFold<arith::IndexCastOp>(
      loc, rewriter.getI32Type(),
      rewriter.createOrFold<arith::MinUIOp>(loc, team, tiles));

  // Dynamic: the number of tiles claimed so far, shared by the threads (in
  // a scope of its own, which bounds it where the loop is in a loop).
  Value claimed;
  if (dynamic) {
    auto scope = memref::AllocaScopeOp::create(rewriter, loc, TypeRange());
    root = root ? root : scope;
    Block *scopeBody = rewriter.createBlock(&scope.getBodyRegion());
    memref::AllocaScopeReturnOp::create(rewriter, loc, ValueRange());
    rewriter.setInsertionPointToStart(scopeBody);
    claimed = memref::AllocaOp::create(
        rewriter, loc, MemRefType::get({}, rewriter.getI64Type()));
    memref::StoreOp::create(
        rewriter, loc,
        arith::ConstantIntOp::create(rewriter, loc, rewriter.getI64Type(), 0),
        claimed, ValueRange{});
  }

  omp::ParallelOperands parallelClauses;
  parallelClauses.numThreads = teamSize;
  auto parallel = omp::ParallelOp::create(rewriter, loc, parallelClauses);
  root = root ? root : parallel;
  rewriter.createBlock(&parallel.getRegion());
  omp::TerminatorOp::create(rewriter, loc);
  rewriter.setInsertionPointToStart(&parallel.getRegion().front());

  // Thread t of T has the tiles [t * q + min(t, r), ...), q + (t < r) of
  // them (q = tiles / T, r = tiles % T), as OpenMP's static schedule splits
  // them, without its runtime calls per loop (Debian's libomp formats a
  // trace message in each, about 0.5 us).
  Value zero = index(0), one = index(1);
  Value thread = createOpenMPQueryCall(rewriter, loc, module,
                                       "omp_get_thread_num", true);
  Value threads = createOpenMPQueryCall(rewriter, loc, module,
                                        "omp_get_num_threads", true);
  if (!thread || !threads) {
    rewriter.eraseOp(root);
    return forall.emitOpError(
        "cannot call omp_get_thread_num() and omp_get_num_threads(): the "
        "module has another symbol of that name");
  }
  if (several)
    call = outlineBody(rewriter, forall);
  Value share = arith::DivUIOp::create(rewriter, loc, tiles, threads);
  Value rest = arith::RemUIOp::create(rewriter, loc, tiles, threads);
  Value begin = arith::AddIOp::create(
      rewriter, loc, arith::MulIOp::create(rewriter, loc, thread, share),
      arith::MinUIOp::create(rewriter, loc, thread, rest));
  Value extra = arith::SelectOp::create(
      rewriter, loc,
      arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ult, thread,
                            rest),
      one, zero);
  Value end = arith::AddIOp::create(
      rewriter, loc, begin,
      arith::AddIOp::create(rewriter, loc, share, extra));

  // Dynamic, with more tiles than threads: each thread claims the next tile
  // when it is done with one (an atomic increment of `claimed`), so that a
  // thread slowed down takes fewer; a tile per thread or fewer keep the
  // share, which finds a tile in the same thread's cache from call to call.
  Value claims;
  Value bound = end;
  if (dynamic) {
    claims = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ugt,
                                   tiles, threads);
    bound = arith::SelectOp::create(rewriter, loc, claims, tiles, end);
  }
  // The first tile of a thread, or the one after `tile`.
  auto nextTile = [&](Value tile) -> Value {
    Value following =
        tile ? arith::AddIOp::create(rewriter, loc, tile, one).getResult()
             : begin;
    if (!dynamic)
      return following;
    return scf::IfOp::create(
               rewriter, loc, claims,
               [&](OpBuilder &, Location) {
                 Value previous = memref::AtomicRMWOp::create(
                     rewriter, loc, arith::AtomicRMWKind::addi,
                     arith::ConstantIntOp::create(rewriter, loc,
                                                  rewriter.getI64Type(), 1),
                     claimed, ValueRange{});
                 scf::YieldOp::create(
                     rewriter, loc,
                     ValueRange{arith::IndexCastUIOp::create(
                         rewriter, loc, rewriter.getIndexType(), previous)});
               },
               [&](OpBuilder &, Location) {
                 scf::YieldOp::create(rewriter, loc, following);
               })
        .getResult(0);
  };
  Type indexType = rewriter.getIndexType();
  scf::WhileOp::create(
      rewriter, loc, TypeRange{indexType}, ValueRange{nextTile(Value())},
      [&](OpBuilder &, Location, ValueRange args) {
        scf::ConditionOp::create(
            rewriter, loc,
            arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ult,
                                  args[0], bound),
            args);
      },
      [&](OpBuilder &, Location, ValueRange args) {
        runTile(args[0]);
        scf::YieldOp::create(rewriter, loc, ValueRange{nextTile(args[0])});
      });
  if (several) {
    rewriter.setInsertionPointToStart(several.elseBlock());
    runOnCallingThread();
  }
  rewriter.eraseOp(forall);
  return success();
}

namespace {
struct RmsTilesToOpenMPPass
    : public rms::impl::RmsTilesToOpenMPBase<RmsTilesToOpenMPPass> {
  using RmsTilesToOpenMPBase::RmsTilesToOpenMPBase;

  void runOnOperation() override {
    SmallVector<std::pair<scf::ForallOp, bool>> marked;
    bool wrongValue = false;
    getOperation()->walk([&](scf::ForallOp forall) {
      auto schedule =
          forall->getAttrOfType<StringAttr>(rms::kScheduleAttrName);
      if (!forall->hasAttr(rms::kScheduleAttrName))
        return;
      if (!schedule || (schedule.getValue() != "static" &&
                        schedule.getValue() != "dynamic")) {
        forall.emitOpError()
            << rms::kScheduleAttrName
            << " must be \"static\" or \"dynamic\"";
        wrongValue = true;
        return;
      }
      marked.push_back({forall, schedule.getValue() == "dynamic"});
    });
    if (wrongValue)
      return signalPassFailure();
    IRRewriter rewriter(&getContext());
    for (auto [forall, dynamic] : marked) {
      if (!forall.getOutputs().empty()) {
        forall.emitOpError("marked ")
            << rms::kScheduleAttrName
            << " must be bufferized (have no shared outputs) before "
               "rms-tiles-to-openmp";
        return signalPassFailure();
      }
      if (failed(rms::lowerTilesToOpenMP(rewriter, forall, dynamic,
                                         numThreads)))
        return signalPassFailure();
    }
  }
};
} // namespace
