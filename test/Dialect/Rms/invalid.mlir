// RUN: rms-opt %s -split-input-file -verify-diagnostics

func.func @unranked_input(%x: tensor<*xf32>, %i: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor or memref, but got 'tensor<*xf32>'}}
  %y = rms.norm ins(%x : tensor<*xf32>) outs(%i : tensor<2x8xf32>) epsilon(1.0e-05) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @integer_input(%x: tensor<2x8xi32>, %i: tensor<2x8xi32>) -> tensor<2x8xi32> {
  // expected-error @+1 {{input element type must be f16, bf16, f32 or f64, but got 'i32'}}
  %y = rms.norm ins(%x : tensor<2x8xi32>) outs(%i : tensor<2x8xi32>) epsilon(1.0e-05) -> tensor<2x8xi32>
  return %y : tensor<2x8xi32>
}

// -----

func.func @f8_input(%x: tensor<2x8xf8E4M3FN>, %i: tensor<2x8xf8E4M3FN>) -> tensor<2x8xf8E4M3FN> {
  // expected-error @+1 {{input element type must be f16, bf16, f32 or f64, but got 'f8E4M3FN'}}
  %y = rms.norm ins(%x : tensor<2x8xf8E4M3FN>) outs(%i : tensor<2x8xf8E4M3FN>) epsilon(1.0e-05) -> tensor<2x8xf8E4M3FN>
  return %y : tensor<2x8xf8E4M3FN>
}

// -----

func.func @rank0_input(%x: tensor<f32>, %i: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{input must have rank >= 1, but got 'tensor<f32>'}}
  %y = rms.norm ins(%x : tensor<f32>) outs(%i : tensor<f32>) epsilon(1.0e-05) -> tensor<f32>
  return %y : tensor<f32>
}

// -----

func.func @weight_wrong_size(%x: tensor<8x4096xf16>, %w: tensor<4095xf16>, %i: tensor<8x4096xf16>) -> tensor<8x4096xf16> {
  // expected-error @+1 {{weight must have size 4096 (the last dimension of input), but got 'tensor<4095xf16>'}}
  %y = rms.norm ins(%x, %w : tensor<8x4096xf16>, tensor<4095xf16>) outs(%i : tensor<8x4096xf16>) epsilon(1.0e-05) -> tensor<8x4096xf16>
  return %y : tensor<8x4096xf16>
}

// -----

func.func @weight_wrong_rank(%x: tensor<8x16xf32>, %w: tensor<8x16xf32>, %i: tensor<8x16xf32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{weight must have rank 1 and size 16 (the last dimension of input), but got 'tensor<8x16xf32>'}}
  %y = rms.norm ins(%x, %w : tensor<8x16xf32>, tensor<8x16xf32>) outs(%i : tensor<8x16xf32>) epsilon(1.0e-05) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

func.func @weight_wrong_type(%x: tensor<8x16xf32>, %w: tensor<16xf16>, %i: tensor<8x16xf32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{weight must have element type 'f32' like input, but got 'tensor<16xf16>'}}
  %y = rms.norm ins(%x, %w : tensor<8x16xf32>, tensor<16xf16>) outs(%i : tensor<8x16xf32>) epsilon(1.0e-05) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

func.func @weight_memref_with_tensors(%x: tensor<8x16xf32>, %w: memref<16xf32>, %i: tensor<8x16xf32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{weight must be a tensor like input 'tensor<8x16xf32>', but got 'memref<16xf32>'}}
  %y = rms.norm ins(%x, %w : tensor<8x16xf32>, memref<16xf32>) outs(%i : tensor<8x16xf32>) epsilon(1.0e-05) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

func.func @init_wrong_shape(%x: tensor<8x16xf32>, %i: tensor<8x15xf32>) -> tensor<8x15xf32> {
  // expected-error @+1 {{init must have the shape of input 'tensor<8x16xf32>', but got 'tensor<8x15xf32>'}}
  %y = rms.norm ins(%x : tensor<8x16xf32>) outs(%i : tensor<8x15xf32>) epsilon(1.0e-05) -> tensor<8x15xf32>
  return %y : tensor<8x15xf32>
}

// -----

func.func @init_wrong_rank(%x: tensor<8x16xf32>, %i: tensor<128xf32>) -> tensor<128xf32> {
  // expected-error @+1 {{init must have the shape of input 'tensor<8x16xf32>', but got 'tensor<128xf32>'}}
  %y = rms.norm ins(%x : tensor<8x16xf32>) outs(%i : tensor<128xf32>) epsilon(1.0e-05) -> tensor<128xf32>
  return %y : tensor<128xf32>
}

// -----

func.func @init_wrong_type(%x: tensor<8x16xf32>, %i: tensor<8x16xf64>) -> tensor<8x16xf64> {
  // expected-error @+1 {{init must have element type 'f32' like input, but got 'tensor<8x16xf64>'}}
  %y = rms.norm ins(%x : tensor<8x16xf32>) outs(%i : tensor<8x16xf64>) epsilon(1.0e-05) -> tensor<8x16xf64>
  return %y : tensor<8x16xf64>
}

// -----

func.func @init_memref_with_tensors(%x: tensor<8x16xf32>, %i: memref<8x16xf32>) {
  // expected-error @+1 {{init must be a tensor like input 'tensor<8x16xf32>', but got 'memref<8x16xf32>'}}
  rms.norm ins(%x : tensor<8x16xf32>) outs(%i : memref<8x16xf32>) epsilon(1.0e-05)
  return
}

// -----

func.func @result_type_mismatch(%x: tensor<?x16xf32>, %i: tensor<?x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{expected type of operand #1 ('tensor<?x16xf32>') to match type of corresponding result ('tensor<4x16xf32>')}}
  %y = rms.norm ins(%x : tensor<?x16xf32>) outs(%i : tensor<?x16xf32>) epsilon(1.0e-05) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @memref_with_result(%x: memref<8x16xf32>, %i: memref<8x16xf32>) {
  // expected-error @+1 {{expected the number of tensor results (1) to be equal to the number of output tensors (0)}}
  %y = rms.norm ins(%x : memref<8x16xf32>) outs(%i : memref<8x16xf32>) epsilon(1.0e-05) -> tensor<8x16xf32>
  return
}

// -----

func.func @tensor_without_result(%x: tensor<8x16xf32>, %i: tensor<8x16xf32>) {
  // expected-error @+1 {{expected the number of tensor results (0) to be equal to the number of output tensors (1)}}
  rms.norm ins(%x : tensor<8x16xf32>) outs(%i : tensor<8x16xf32>) epsilon(1.0e-05)
  return
}

// -----

func.func @negative_epsilon(%x: tensor<8x16xf32>, %i: tensor<8x16xf32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{epsilon must be finite and >= 0, but got -1.000000e-05}}
  %y = rms.norm ins(%x : tensor<8x16xf32>) outs(%i : tensor<8x16xf32>) epsilon(-1.0e-05) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

func.func @infinite_epsilon(%x: tensor<8x16xf32>, %i: tensor<8x16xf32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{epsilon must be finite and >= 0, but got INF}}
  %y = rms.norm ins(%x : tensor<8x16xf32>) outs(%i : tensor<8x16xf32>) epsilon(0x7F800000) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

func.func @nan_epsilon(%x: tensor<8x16xf32>, %i: tensor<8x16xf32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{epsilon must be finite and >= 0}}
  %y = rms.norm ins(%x : tensor<8x16xf32>) outs(%i : tensor<8x16xf32>) epsilon(0x7FC00000) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

func.func @missing_epsilon(%x: tensor<8x16xf32>, %i: tensor<8x16xf32>) -> tensor<8x16xf32> {
  // expected-error @+1 {{expected 'epsilon'}}
  %y = rms.norm ins(%x : tensor<8x16xf32>) outs(%i : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}
