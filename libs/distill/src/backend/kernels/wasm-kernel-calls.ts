// Calls into the wasm backend's own kernels from inside our kernels, tracking intermediates to free.

import * as tf from '@tensorflow/tfjs';
import { asWasmMemory, type WasmMemory } from './wasm-simd-function.ts';

/** The slice of the wasm backend (BackendWasm) our composed kernels use. */
export interface WasmBackendLike {
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  /** The Emscripten module; its `asm.memory` export is the heap compiled kernels link against. */
  readonly wasm?: { readonly asm?: { readonly memory?: unknown } };
}

/** The backend's WebAssembly.Memory, or undefined when this build does not expose it. */
export function heapMemory(backend: WasmBackendLike): WasmMemory | undefined {
  return asWasmMemory(backend.wasm?.asm?.memory);
}

/**
 * A scope for one composed kernel: `run` invokes a registered wasm kernel directly (no engine, no
 * tape, no per-op overhead) and remembers its output; `free` releases every intermediate except
 * the ones returned. Composing at this level keeps the heavy work on XNNPACK-backed kernels.
 */
export class WasmKernelScope {
  private readonly intermediates: tf.TensorInfo[] = [];

  constructor(private readonly backend: WasmBackendLike) {}

  run(kernelName: string, inputs: Record<string, tf.TensorInfo> | tf.TensorInfo[], attrs: Record<string, unknown> = {}): tf.TensorInfo {
    const kernel = tf.getKernel(kernelName, 'wasm');
    if (kernel === undefined) throw new Error(`wasm backend has no '${kernelName}' kernel to compose with`);
    const out = kernel.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend: this.backend as unknown as tf.KernelBackend, attrs: attrs as tf.NamedAttrMap });
    const info = (Array.isArray(out) ? out[0] : out) as tf.TensorInfo;
    this.intermediates.push(info);
    return info;
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  /** A float32 tensor of `shape` holding `value` everywhere. */
  fill(shape: number[], value: number): tf.TensorInfo {
    return this.run('Fill', {}, { shape, value, dtype: 'float32' });
  }

  /** a times b for rank-3 [batch, m, k] x [batch, k, n]; a batch of 1 broadcasts. No transposes: on this backend a transposed operand is up to ~10x slower. */
  matMul(a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
    return this.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
  }

  /** Rows [start, start + count) of a row-major [rows, cols] tensor: one memmove on the heap (the builtin Slice first copies all of x). */
  rows(x: tf.TensorInfo, start: number, count: number): tf.TensorInfo {
    const cols = x.shape[1] as number;
    const out = this.adopt(this.backend.makeOutput([count, cols], x.dtype));
    // Views taken after makeOutput: an allocation can grow (and so replace) the heap buffer.
    const src = this.backend.typedArrayFromHeap(x);
    const dst = this.backend.typedArrayFromHeap(out);
    const width = src.BYTES_PER_ELEMENT;
    new Uint8Array(dst.buffer).copyWithin(dst.byteOffset, src.byteOffset + start * cols * width, src.byteOffset + (start + count) * cols * width);
    return out;
  }

  /** Track a tensor the kernel allocated itself (backend.makeOutput) so `free` releases it too. */
  adopt(info: tf.TensorInfo): tf.TensorInfo {
    this.intermediates.push(info);
    return info;
  }

  /** Free intermediates that are no longer needed before the kernel ends (large temporaries in a loop). */
  release(...infos: tf.TensorInfo[]): void {
    for (const info of infos) {
      const at = this.intermediates.indexOf(info);
      if (at < 0) continue;
      this.intermediates.splice(at, 1);
      this.backend.disposeData(info.dataId);
    }
  }

  /** Zero-pad (positive) or crop (negative) each axis by [before, after]. */
  padOrCrop(x: tf.TensorInfo, edges: readonly (readonly [number, number])[]): tf.TensorInfo {
    let out = x;
    if (edges.some(([b, a]) => b < 0 || a < 0)) {
      const begin = edges.map(([b]) => Math.max(-b, 0));
      const size = edges.map(([b, a], i) => (out.shape[i] as number) - Math.max(-b, 0) - Math.max(-a, 0));
      out = this.run('Slice', { x: out }, { begin, size });
    }
    if (edges.some(([b, a]) => b > 0 || a > 0)) {
      out = this.run('PadV2', { x: out }, { paddings: edges.map(([b, a]) => [Math.max(b, 0), Math.max(a, 0)]), constantValue: 0 });
    }
    return out;
  }

  /** Stride dilation of an NHWC tensor: [N, H, W, C] -> [N, H*sh, W*sw, C], values at multiples of the stride, zeros between (and after). */
  insertZeros(x: tf.TensorInfo, sh: number, sw: number): tf.TensorInfo {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    let out = x;
    if (sh > 1) out = this.reshape(this.padOrCrop(this.reshape(out, [n, h, 1, w * c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0]]), [n, h * sh, w, c]);
    if (sw > 1) out = this.reshape(this.padOrCrop(this.reshape(out, [n * h * sh, w, 1, c]), [[0, 0], [0, 0], [0, sw - 1], [0, 0]]), [n, h * sh, w * sw, c]);
    return out;
  }

  /** Free all intermediates except `keep` (the kernel's result). */
  free(keep: tf.TensorInfo): tf.TensorInfo {
    for (const info of this.intermediates) if (info !== keep) this.backend.disposeData(info.dataId);
    this.intermediates.length = 0;
    return keep;
  }
}
