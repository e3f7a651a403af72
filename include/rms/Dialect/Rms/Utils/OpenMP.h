//===- OpenMP.h - the OpenMP runtime's thread queries -----------*- C++ -*-===//
//
// Calls of the OpenMP runtime's queries (`omp_get_max_threads()`, ...) as
// index values, for the passes that size their work by the number of
// threads the CPU code will run on when that number is only known at run
// time (OMP_NUM_THREADS), and that split it among them.
//
//===----------------------------------------------------------------------===//

#ifndef RMS_DIALECT_RMS_UTILS_OPENMP_H
#define RMS_DIALECT_RMS_UTILS_OPENMP_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/FunctionCallUtils.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::rms {

/// A call of the OpenMP runtime's query `name` (`int name(void)`, such as
/// `omp_get_max_threads`) at `b`'s insertion point, as an index. The call
/// goes to the module's declaration, `llvm.func` or `func.func`
/// `@name() -> i32`, or to an `llvm.func` declared here if there is none and
/// `mayDeclare` (a pass running on a function must not add symbols to the
/// module around it). Null where neither is possible: a symbol of that name
/// that is not such a declaration (another type, or a function defined in
/// the module, which is not the OpenMP runtime's), or no declaration that
/// may be added.
inline Value createOpenMPQueryCall(OpBuilder &b, Location loc, ModuleOp module,
                                   StringRef name, bool mayDeclare) {
  if (!module)
    return Value();
  Type i32 = b.getI32Type();
  Value count;
  Operation *existing = module.lookupSymbol(name);
  if (auto func = dyn_cast_or_null<func::FuncOp>(existing)) {
    if (!func.isExternal() ||
        func.getFunctionType() != b.getFunctionType({}, {i32}))
      return Value();
    count = func::CallOp::create(b, loc, func).getResult(0);
  } else if (existing || mayDeclare) {
    auto declared = dyn_cast_or_null<LLVM::LLVMFuncOp>(existing);
    if (existing &&
        (!declared || !declared.isExternal() ||
         declared.getFunctionType() != LLVM::LLVMFunctionType::get(i32, {})))
      return Value();
    FailureOr<LLVM::LLVMFuncOp> fn =
        LLVM::lookupOrCreateFn(b, module, name, {}, i32);
    if (failed(fn))
      return Value();
    count = LLVM::CallOp::create(b, loc, *fn, ValueRange{}).getResult();
  } else {
    return Value();
  }
  return arith::IndexCastUIOp::create(b, loc, b.getIndexType(), count);
}

/// The number of threads an OpenMP parallel region started here would have:
/// `omp_get_max_threads()` (see `createOpenMPQueryCall`).
inline Value createMaxThreadsCall(OpBuilder &b, Location loc, ModuleOp module,
                                  bool mayDeclare) {
  return createOpenMPQueryCall(b, loc, module, "omp_get_max_threads",
                               mayDeclare);
}

} // namespace mlir::rms

#endif // RMS_DIALECT_RMS_UTILS_OPENMP_H
