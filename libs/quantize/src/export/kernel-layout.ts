// Reorder tfjs kernels (HWIO, HWCM, [in, out]) into the layouts ONNX Conv and Gemm expect.

/** Conv2D kernel [kh, kw, in, out] -> ONNX Conv weight [out, in, kh, kw]. */
export function convKernelToOihw(data: Float32Array, [kh, kw, cin, cout]: readonly number[]): Float32Array {
  const [h, w, i, o] = [kh as number, kw as number, cin as number, cout as number];
  const out = new Float32Array(data.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < i; c++)
        for (let f = 0; f < o; f++) out[((f * i + c) * h + y) * w + x] = data[((y * w + x) * i + c) * o + f] as number;
  return out;
}

/**
 * DepthwiseConv2D kernel [kh, kw, C, M] -> grouped ONNX Conv weight [C*M, 1, kh, kw]: tfjs output
 * channel c*M + m reads input channel c, which is exactly group c of a Conv with group = C.
 */
export function depthwiseKernelToOihw(data: Float32Array, [kh, kw, channels, multiplier]: readonly number[]): Float32Array {
  const [h, w, c, m] = [kh as number, kw as number, channels as number, multiplier as number];
  const out = new Float32Array(data.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let ch = 0; ch < c; ch++)
        for (let k = 0; k < m; k++) out[((ch * m + k) * h + y) * w + x] = data[((y * w + x) * c + ch) * m + k] as number;
  return out;
}

/** Dense kernel [in, out] -> Gemm B [out, in] (used with transB = 1, so output channels sit on axis 0). */
export function denseKernelToOutIn(data: Float32Array, [inputs, units]: readonly number[]): Float32Array {
  const [n, u] = [inputs as number, units as number];
  const out = new Float32Array(data.length);
  for (let i = 0; i < n; i++) for (let j = 0; j < u; j++) out[j * n + i] = data[i * u + j] as number;
  return out;
}
