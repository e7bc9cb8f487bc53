// TensorFlow's 'same' padding as explicit ONNX pads (TF puts the odd extra pixel at the end).

/** Padding [before, after] of one spatial axis so that out = ceil(in / stride), as tf.nn.conv2d computes it. */
export function samePadding(inputSize: number, kernel: number, stride: number, dilation = 1): [number, number] {
  const effectiveKernel = (kernel - 1) * dilation + 1;
  const outputSize = Math.ceil(inputSize / stride);
  const total = Math.max((outputSize - 1) * stride + effectiveKernel - inputSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * ONNX `pads` for a 2-D window op, ordered [top, left, bottom, right] (all begins, then all ends).
 * 'valid' pads nothing.
 */
export function convPads(
  padding: 'same' | 'valid',
  input: readonly [number, number],
  kernel: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number] = [1, 1],
): [number, number, number, number] {
  if (padding === 'valid') return [0, 0, 0, 0];
  const [top, bottom] = samePadding(input[0], kernel[0], strides[0], dilations[0]);
  const [left, right] = samePadding(input[1], kernel[1], strides[1], dilations[1]);
  return [top, left, bottom, right];
}
