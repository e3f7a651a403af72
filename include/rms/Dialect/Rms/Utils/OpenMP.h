//===- OpenMP.h - the OpenMP runtime's thread count -------------*- C++ -*-===//
//
// `omp_get_max_threads()` as an index value, for the passes that size their
// work by the number of threads the CPU code will run on when that number
// is only known at run time (OMP_NUM_THREADS).
//
//===----------------------------------------------------------------------===//

#ifndef RMS_DIALECT_RMS_UTILS_OPENMP_H
#define RMS_DIALECT_RMS_UTILS_OPENMP_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/FunctionCallUtils.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::rms {

/// The number of threads an OpenMP parallel region started here would have:
/// a call of `omp_get_max_threads` at `b`'s insertion point, as an index.
/// Null where the function is not available: `module` already holds a
/// symbol of that name that is not `llvm.func @omp_get_max_threads() -> i32`,
/// or it holds none and `mayDeclare` is false (a pass running on a function
/// must not add symbols to the module around it).
inline Value createMaxThreadsCall(OpBuilder &b, Location loc, ModuleOp module,
                                  bool mayDeclare) {
  if (!module)
    return Value();
  Type type = LLVM::LLVMFunctionType::get(b.getI32Type(), {});
  Operation *existing = module.lookupSymbol("omp_get_max_threads");
  auto declared = dyn_cast_or_null<LLVM::LLVMFuncOp>(existing);
  if (existing && (!declared || declared.getFunctionType() != type))
    return Value();
  if (!existing && !mayDeclare)
    return Value();
  FailureOr<LLVM::LLVMFuncOp> fn = LLVM::lookupOrCreateFn(
      b, module, "omp_get_max_threads", {}, b.getI32Type());
  if (failed(fn))
    return Value();
  Value count = LLVM::CallOp::create(b, loc, *fn, ValueRange{}).getResult();
  return arith::IndexCastUIOp::create(b, loc, b.getIndexType(), count);
}

} // namespace mlir::rms

#endif // RMS_DIALECT_RMS_UTILS_OPENMP_H
