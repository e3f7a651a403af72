// An LLM-sized RMS norm: 8 tokens of hidden size 4096 in f16, with a weight,
// as every transformer layer runs it twice. `make demo` compiles and runs it.
func.func @rms_norm(%x: tensor<8x4096xf16>, %w: tensor<4096xf16>) -> tensor<8x4096xf16> {
  %init = tensor.empty() : tensor<8x4096xf16>
  %y = rms.norm ins(%x, %w : tensor<8x4096xf16>, tensor<4096xf16>) outs(%init : tensor<8x4096xf16>) epsilon(1.0e-05) -> tensor<8x4096xf16>
  return %y : tensor<8x4096xf16>
}
