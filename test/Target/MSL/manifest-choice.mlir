// RUN: rms-opt %s --rms-metal-pipeline="invocation-row-limit=512" | rms-translate --mlir-to-msl --msl-manifest=%t.json -o /dev/null
// RUN: FileCheck %s < %t.json

// What each kernel of a variant requires of the row length n and when the
// compiler would launch it, for every path: tiny rows (a thread per row, at
// most 64 units held: 256 elements for float4, 64 for float), short rows,
// rows in registers and streamed rows; each row length has one kernel.

// CHECK:      "entry_point": "rms_norm_f32_w_v4_lane_eps0x3727c5ac"
// CHECK:      "path": "lane"
// CHECK-NEXT: "requires": "n % 4 == 0 && n <= 256"
// CHECK-NEXT: "use_when": "n % 4 == 0 && n <= 256"
// CHECK:      "entry_point": "rms_norm_f32_w_v4_rows_eps0x3727c5ac"
// CHECK:      "requires": "n % 4 == 0"
// CHECK-NEXT: "use_when": "n % 4 == 0 && n > 256 && n <= 1024"
// CHECK:      "entry_point": "rms_norm_f32_w_v4_reg_eps0x3727c5ac"
// CHECK:      "requires": "n % 4 == 0 && n <= 16384"
// CHECK-NEXT: "use_when": "n % 4 == 0 && n <= 16384 && n > 1024"
// CHECK:      "entry_point": "rms_norm_f32_w_v4_row_eps0x3727c5ac"
// CHECK:      "requires": "n % 4 == 0"
// CHECK-NEXT: "use_when": "n % 4 == 0 && n > 16384"
// CHECK:      "entry_point": "rms_norm_f32_w_lane_eps0x3727c5ac"
// CHECK:      "requires": "n <= 64"
// CHECK-NEXT: "use_when": "n <= 64"
// CHECK-NEXT: "rows_per_threadgroup": 256
// CHECK-NEXT: "invocation_row_limit": 64
// CHECK:      "entry_point": "rms_norm_f32_w_rows_eps0x3727c5ac"
// CHECK:      "requires": "always"
// CHECK-NEXT: "use_when": "n > 64 && n <= 1024"
// CHECK:      "entry_point": "rms_norm_f32_w_reg_eps0x3727c5ac"
// CHECK:      "requires": "n <= 4096"
// CHECK-NEXT: "use_when": "n <= 4096 && n > 1024"
// CHECK:      "entry_point": "rms_norm_f32_w_row_eps0x3727c5ac"
// CHECK:      "requires": "always"
// CHECK-NEXT: "use_when": "n > 4096"
func.func @norm(%x: tensor<?x?xf32>, %w: tensor<?xf32>, %init: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %y = rms.norm ins(%x, %w : tensor<?x?xf32>, tensor<?xf32>) outs(%init : tensor<?x?xf32>) epsilon(1.0e-05) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}
