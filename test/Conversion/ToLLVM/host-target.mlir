// RUN: rms-opt %s -split-input-file -rms-llvm-host-target | FileCheck %s

// The module gets the host's triple; defined functions get the host's CPU
// and features; declarations, and what a module or function names itself,
// are left alone.

// CHECK: module attributes {llvm.target_triple = "{{[^"]+}}"}

// CHECK-LABEL: llvm.func @defined()
// CHECK-SAME: target_cpu = "{{[^"]+}}"
// CHECK-SAME: target_features = #llvm.target_features<["{{[+-]}}
llvm.func @defined() {
  llvm.return
}

// CHECK-LABEL: llvm.func @own_cpu()
// CHECK-SAME: target_cpu = "x86-64"
// CHECK-SAME: target_features = #llvm.target_features<["{{[+-]}}
llvm.func @own_cpu() attributes {target_cpu = "x86-64"} {
  llvm.return
}

// CHECK-LABEL: llvm.func @own_features()
// CHECK-SAME: target_cpu = "{{[^"]+}}"
// CHECK-SAME: target_features = #llvm.target_features<["+sse2"]>
llvm.func @own_features() attributes {target_features = #llvm.target_features<["+sse2"]>} {
  llvm.return
}

// CHECK: llvm.func @declared()
// CHECK-NOT: target_cpu
llvm.func @declared()

// -----

// CHECK: module attributes {llvm.target_triple = "aarch64-unknown-linux-gnu"}
module attributes {llvm.target_triple = "aarch64-unknown-linux-gnu"} {
}
