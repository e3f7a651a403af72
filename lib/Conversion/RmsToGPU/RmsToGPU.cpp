//===- RmsToGPU.cpp - lower rms.norm to GPU kernels -----------------------===//
//
// Implements `convert-rms-to-gpu`: every memref rms.norm becomes a launch of a
// kernel that normalizes one row per workgroup. The kernel is written for
// portability first: it needs no subgroup operation (whose SPIR-V lowering
// cannot yet elect one invocation per subgroup), no atomics and one barrier,
// and it is correct for any subgroup size and any row length.
//
//===----------------------------------------------------------------------===//

#include "rms/Conversion/Passes.h"
#include "rms/Dialect/Rms/IR/Rms.h"

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

static StringRef typeName(Type type) {
  if (type.isF16())
    return "f16";
  if (type.isBF16())
    return "bf16";
  if (type.isF32())
    return "f32";
  return "f64";
}

/// Vulkan 1.1 (SPIR-V 1.3) with what any rms kernel may use; for Metal the
/// same without f64.
static spirv::TargetEnvAttr kernelTargetEnv(MLIRContext *ctx, bool withF64) {
  using spirv::Capability;
  using spirv::Extension;
  SmallVector<Capability> capabilities = {
      Capability::Shader,
      Capability::Float16,
      Capability::Int16,
      Capability::StorageBuffer16BitAccess,
      Capability::GroupNonUniform,
      Capability::GroupNonUniformArithmetic};
  if (withF64)
    capabilities.insert(capabilities.begin() + 2, Capability::Float64);
  auto triple = spirv::VerCapExtAttr::get(
      spirv::Version::V_1_3, capabilities,
      {Extension::SPV_KHR_storage_buffer_storage_class,
       Extension::SPV_KHR_16bit_storage},
      ctx);
  return spirv::TargetEnvAttr::get(
      triple, spirv::getDefaultResourceLimits(ctx), spirv::ClientAPI::Vulkan,
      spirv::Vendor::Unknown, spirv::DeviceType::Unknown,
      spirv::TargetEnvAttr::kUnknownDeviceID);
}

namespace {
/// Builds the kernel of one variant (element type, weight or not).
class KernelBuilder {
public:
  KernelBuilder(ImplicitLocOpBuilder &b, Type elementType, bool hasWeight,
                int64_t workgroupSize, float epsilon)
      : b(b), elementType(elementType), hasWeight(hasWeight),
        workgroupSize(workgroupSize), epsilon(epsilon) {
    accType = elementType.isF64() ? b.getF64Type() : b.getF32Type();
  }

  gpu::GPUFuncOp build(StringRef name);

private:
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  /// The element type in the kernel's buffers: bf16 travels as its 16 bits
  /// (SPIR-V has no bf16, and MLIR's emulation would widen the buffers).
  Type storageType() {
    return elementType.isBF16() ? Type(b.getI16Type()) : elementType;
  }
  /// A stored element in the accumulator type.
  Value widen(Value v) {
    if (v.getType().isInteger(16)) {
      // bf16 bits are the high half of the f32 with the same value.
      Value wide = arith::ExtUIOp::create(b, b.getI32Type(), v);
      Value shifted = arith::ShLIOp::create(
          b, wide, arith::ConstantIntOp::create(b, b.getI32Type(), 16));
      return arith::BitcastOp::create(b, b.getF32Type(), shifted);
    }
    return v.getType() == accType ? v : arith::ExtFOp::create(b, accType, v);
  }
  /// A result rounded once to the stored element type (to nearest even; a
  /// bf16 NaN stays quiet).
  Value narrow(Value v) {
    if (elementType.isBF16()) {
      Type i32 = b.getI32Type();
      auto constant = [&](int64_t c) {
        return arith::ConstantIntOp::create(b, i32, c);
      };
      Value bits = arith::BitcastOp::create(b, i32, v);
      Value lsb = arith::AndIOp::create(
          b, arith::ShRUIOp::create(b, bits, constant(16)), constant(1));
      Value rounded = arith::ShRUIOp::create(
          b,
          arith::AddIOp::create(
              b, bits, arith::AddIOp::create(b, lsb, constant(0x7FFF))),
          constant(16));
      Value isNaN = arith::CmpIOp::create(
          b, arith::CmpIPredicate::ugt,
          arith::AndIOp::create(b, bits, constant(0x7FFFFFFF)),
          constant(0x7F800000));
      Value quietNaN = arith::OrIOp::create(
          b, arith::ShRUIOp::create(b, bits, constant(16)), constant(0x40));
      Value result = arith::SelectOp::create(b, isNaN, quietNaN, rounded);
      return arith::TruncIOp::create(b, b.getI16Type(), result);
    }
    return elementType == accType ? v
                                  : arith::TruncFOp::create(b, elementType, v);
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

  ImplicitLocOpBuilder &b;
  Type elementType;
  FloatType accType;
  bool hasWeight;
  int64_t workgroupSize;
  float epsilon;
};
} // namespace

gpu::GPUFuncOp KernelBuilder::build(StringRef name) {
  auto buffer = MemRefType::get({ShapedType::kDynamic}, storageType());
  SmallVector<Type> args = {buffer};
  if (hasWeight)
    args.push_back(buffer);
  args.append({buffer, b.getIndexType(), b.getIndexType()});
  auto func = gpu::GPUFuncOp::create(b, name, b.getFunctionType(args, {}));
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  func->setAttr(spirv::getEntryPointABIAttrName(),
                spirv::getEntryPointABIAttr(
                    b.getContext(), {static_cast<int32_t>(workgroupSize), 1, 1}));

  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&func.getBody().front());
  ValueRange params = func.getArguments();
  Value x = params[0];
  Value w = hasWeight ? params[1] : Value();
  Value y = params[hasWeight ? 2 : 1];
  Value rows = params[hasWeight ? 3 : 2];
  Value n = params[hasWeight ? 4 : 3];

  // One partial sum per invocation, in workgroup memory (address space 3).
  auto sharedType = MemRefType::get({workgroupSize}, accType, AffineMap(),
                                    b.getI64IntegerAttr(3));
  Value shared = memref::AllocOp::create(b, sharedType);
  Value step = index(workgroupSize);
  Value tid = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
  Value row = arith::AddIOp::create(
      b,
      arith::MulIOp::create(b, gpu::BlockIdOp::create(b, gpu::Dimension::y),
                            gpu::GridDimOp::create(b, gpu::Dimension::x)),
      gpu::BlockIdOp::create(b, gpu::Dimension::x));
  // `row` is the same for the whole workgroup, so the barrier below is
  // reached by all of its invocations or by none.
  Value inRange =
      arith::CmpIOp::create(b, arith::CmpIPredicate::ult, row, rows);
  scf::IfOp::create(b, inRange, [&](OpBuilder &, Location) {
    Value base = arith::MulIOp::create(b, row, n);
    Value zero = arith::ConstantOp::create(b, b.getFloatAttr(accType, 0.0));
    // The invocation's elements are tid, tid + step, ... < n. The main loop
    // takes `kUnroll` of them per iteration while all are in the row, a
    // short loop the rest: fewer loop iterations per invocation (lavapipe
    // caps them at 65535 in total) and no per-element condition.
    Value span = index(workgroupSize * kUnroll);
    Value reach = index((kUnroll - 1) * workgroupSize);
    Value limit = arith::SelectOp::create(
        b, arith::CmpIOp::create(b, arith::CmpIPredicate::ugt, n, reach),
        arith::SubIOp::create(b, n, reach), index(0));
    Value rest = arith::AddIOp::create(
        b, tid,
        arith::MulIOp::create(
            b,
            // ceildiv, spelled with divui: SPIR-V has no ceildivui.
            arith::DivUIOp::create(
                b,
                arith::AddIOp::create(
                    b,
                    arith::SubIOp::create(
                        b, arith::MaxUIOp::create(b, limit, tid), tid),
                    index(workgroupSize * kUnroll - 1)),
                span),
            span));
    auto forEachElement = [&](ValueRange init,
                              function_ref<SmallVector<Value>(Value, ValueRange)>
                                  body) {
      SmallVector<Value> main = guardedFor(
          tid, limit, span, init, [&](Value j, ValueRange acc) {
            SmallVector<Value> carried(acc);
            for (int64_t u = 0; u < kUnroll; ++u)
              carried = body(
                  u ? arith::AddIOp::create(b, j, index(u * workgroupSize)) : j,
                  carried);
            return carried;
          });
      return guardedFor(rest, n, step, main, body);
    };
    // The sum of squares is blocked rather than compensated: shader
    // compilers may simplify the algebra of a compensated sum away (ops are
    // not `exact`), but they keep the order of a blocked one. `kUnroll`
    // accumulators each take `kBlock` squares, are summed pairwise, and the
    // block sum joins the running sum: its error stays flat with the row
    // length.
    auto square = [&](Value j) {
      Value v = widen(memref::LoadOp::create(
          b, x, ValueRange{arith::AddIOp::create(b, base, j)}));
      return arith::MulFOp::create(b, v, v).getResult();
    };
    Value blockSpan = index(workgroupSize * kUnroll * kBlock);
    SmallVector<Value> blocks = guardedFor(
        tid, limit, blockSpan, ValueRange{zero}, [&](Value jb, ValueRange acc) {
          Value blockEnd = arith::MinUIOp::create(
              b, arith::AddIOp::create(b, jb, blockSpan), limit);
          SmallVector<Value> zeros(kUnroll, zero);
          SmallVector<Value> lanes = guardedFor(
              jb, blockEnd, span, zeros, [&](Value j, ValueRange sums) {
                SmallVector<Value> next;
                for (int64_t u = 0; u < kUnroll; ++u)
                  next.push_back(arith::AddFOp::create(
                      b, sums[u],
                      square(u ? arith::AddIOp::create(
                                     b, j, index(u * workgroupSize))
                               : j)));
                return next;
              });
          Value block = arith::AddFOp::create(
              b, arith::AddFOp::create(b, lanes[0], lanes[1]),
              arith::AddFOp::create(b, lanes[2], lanes[3]));
          return SmallVector<Value>{arith::AddFOp::create(b, acc[0], block)};
        });
    SmallVector<Value> tail = guardedFor(
        rest, n, step, ValueRange{zero}, [&](Value j, ValueRange acc) {
          return SmallVector<Value>{arith::AddFOp::create(b, acc[0], square(j))};
        });
    // The subgroup adds its partials (simd_sum on Metal); its first lane
    // publishes the sum in workgroup memory.
    Value partial = arith::AddFOp::create(b, blocks[0], tail[0]);
    Value subgroupSum = gpu::SubgroupReduceOp::create(
        b, partial, gpu::AllReduceOperation::ADD, /*uniform=*/false);
    Value firstLane = arith::CmpIOp::create(
        b, arith::CmpIPredicate::eq, gpu::LaneIdOp::create(b, nullptr),
        index(0));
    scf::IfOp::create(b, firstLane, [&](OpBuilder &, Location) {
      memref::StoreOp::create(b, subgroupSum, shared,
                              ValueRange{gpu::SubgroupIdOp::create(b, nullptr)});
      scf::YieldOp::create(b);
    });
    gpu::BarrierOp::create(b);
    // Every invocation adds the subgroups' sums in the same order: same
    // scale.
    SmallVector<Value> total = guardedFor(
        index(0), gpu::NumSubgroupsOp::create(b, nullptr), index(1),
        ValueRange{zero},
        [&](Value k, ValueRange acc) {
          return SmallVector<Value>{arith::AddFOp::create(
              b, acc[0], memref::LoadOp::create(b, shared, ValueRange{k}))};
        });
    Value sumOfSquares = total[0];
    Value count = arith::UIToFPOp::create(
        b, accType, arith::IndexCastUIOp::create(b, b.getI32Type(), n));
    Value mean = arith::DivFOp::create(b, sumOfSquares, count);
    Value shifted = arith::AddFOp::create(
        b, mean,
        arith::ConstantOp::create(b, b.getFloatAttr(accType, epsilon)));
    Value scale = arith::DivFOp::create(
        b, arith::ConstantOp::create(b, b.getFloatAttr(accType, 1.0)),
        math::SqrtOp::create(b, shifted));
    forEachElement(ValueRange{}, [&](Value j, ValueRange) {
      Value at = arith::AddIOp::create(b, base, j);
      Value v = arith::MulFOp::create(
          b, widen(memref::LoadOp::create(b, x, ValueRange{at})), scale);
      if (w)
        v = arith::MulFOp::create(
            b, v, widen(memref::LoadOp::create(b, w, ValueRange{j})));
      memref::StoreOp::create(b, narrow(v), y, ValueRange{at});
      return SmallVector<Value>{};
    });
    scf::YieldOp::create(b);
  });
  gpu::ReturnOp::create(b);
  return func;
}

/// `memref` as a one-dimensional buffer of dynamic size, the kernel's
/// argument type (it has an identity layout).
static Value flatten(ImplicitLocOpBuilder &b, Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  Value flat = memref;
  if (type.getRank() != 1) {
    SmallVector<ReassociationIndices> all(1);
    for (int64_t dim = 0; dim < type.getRank(); ++dim)
      all.front().push_back(dim);
    flat = memref::CollapseShapeOp::create(b, memref, all);
  }
  auto dynamic = MemRefType::get({ShapedType::kDynamic}, type.getElementType());
  if (flat.getType() != dynamic)
    flat = memref::CastOp::create(b, dynamic, flat);
  if (!type.getElementType().isBF16())
    return flat;
  // The kernel takes bf16 data as its bits; memref has no op that changes
  // the element type of a buffer, so the host marks the reinterpretation
  // with a cast that `rms-run` (or any runtime) reads as "same buffer".
  auto bits = MemRefType::get({ShapedType::kDynamic}, b.getI16Type());
  return UnrealizedConversionCastOp::create(b, bits, flat).getResult(0);
}

namespace {
struct ConvertRmsToGPUPass
    : public rms::impl::ConvertRmsToGPUBase<ConvertRmsToGPUPass> {
  using ConvertRmsToGPUBase::ConvertRmsToGPUBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<NormOp> norms;
    module.walk([&](NormOp op) { norms.push_back(op); });
    if (norms.empty())
      return;
    if (workgroupSize < 1) {
      module.emitError("convert-rms-to-gpu: workgroup-size must be >= 1");
      return signalPassFailure();
    }
    if (target != "vulkan" && target != "metal") {
      module.emitError("convert-rms-to-gpu: target must be vulkan or metal, "
                       "not '")
          << target << "'";
      return signalPassFailure();
    }
    bool metal = target == "metal";
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
      kernels->setAttr(spirv::getTargetEnvAttrName(), kernelTargetEnv(ctx, !metal));
    }

    for (NormOp op : norms) {
      ImplicitLocOpBuilder b(op.getLoc(), op);
      Type elementType = op.getElementType();
      bool hasWeight = op.getWeight() != nullptr;
      float epsilon = op.getEpsilon().convertToFloat();
      // One kernel per variant; epsilon is baked in, so it is in the name.
      std::string name = llvm::formatv(
          "rms_norm_{0}_{1}_eps{2:x}", typeName(elementType),
          hasWeight ? "w" : "nw", llvm::bit_cast<uint32_t>(epsilon));
      auto kernel = kernels.lookupSymbol<gpu::GPUFuncOp>(name);
      if (!kernel) {
        ImplicitLocOpBuilder kb(op.getLoc(), ctx);
        kb.setInsertionPointToEnd(kernels.getBody());
        kernel = KernelBuilder(kb, elementType, hasWeight, workgroupSize,
                               epsilon)
                     .build(name);
      }

      // The host side: rows, row length, flattened buffers, the grid.
      Value input = op.getInput();
      int64_t rank = op.getInputType().getRank();
      Value rows = arith::ConstantIndexOp::create(b, 1);
      for (int64_t dim = 0; dim + 1 < rank; ++dim)
        rows = arith::MulIOp::create(b, rows,
                                     memref::DimOp::create(b, input, dim));
      Value n = memref::DimOp::create(b, input, rank - 1);
      SmallVector<Value> operands = {flatten(b, input)};
      if (hasWeight)
        operands.push_back(flatten(b, op.getWeight()));
      operands.append({flatten(b, op.getInit()), rows, n});
      Value one = arith::ConstantIndexOp::create(b, 1);
      Value gridX = arith::MaxUIOp::create(
          b,
          arith::MinUIOp::create(b, rows,
                                 arith::ConstantIndexOp::create(b, kMaxGridDim)),
          one);
      Value gridY = arith::CeilDivUIOp::create(b, rows, gridX);
      gpu::LaunchFuncOp::create(
          b, kernel, gpu::KernelDim3{gridX, gridY, one},
          gpu::KernelDim3{arith::ConstantIndexOp::create(b, workgroupSize),
                          one, one},
          /*dynamicSharedMemorySize=*/Value(), operands);
      op.erase();
    }
  }
};
} // namespace
