// Faster wasm Tile (and so tf.broadcastTo): replicate blocks with memmove instead of per-element indexing.

import type { WasmKernelOverride } from './wasm-kernel-override.ts';

/** Average elements per copy call below which JavaScript call overhead beats the builtin's indexing. */
const MIN_ELEMENTS_PER_COPY = 64;

/**
 * The builtin computes a source index per output element (~170 ms to broadcast [1, 1, 1, 64] to
 * [64, 49, 20, 64]). Along each tiled axis the output is its first copy repeated, so each axis is
 * filled by copying x's block once and then doubling the filled prefix with copyWithin (~2 ms).
 * Declines when the tiled blocks are so small that the copies would be mostly call overhead.
 */
export const TILE_WASM_OVERRIDE: WasmKernelOverride<{ reps: number[] }> = {
  kernelName: 'Tile',
  fastPath: ({ inputs, backend, attrs }) => {
    const x = inputs['x'];
    if (x === undefined || x.dtype === 'string' || x.dtype === 'complex64') return undefined;
    const { reps } = attrs;
    const shape = x.shape;
    const rank = shape.length;
    if (reps.length !== rank || rank === 0) return undefined;
    const outShape = shape.map((d, i) => d * (reps[i] as number));
    const suffix = (dims: readonly number[]) => dims.map((_, i) => dims.slice(i).reduce((p, d) => p * d, 1)).concat(1);
    const xSize = suffix(shape);
    const outSize = suffix(outShape);
    if ((outSize[0] as number) === 0) return undefined;
    let lastTiled = -1;
    reps.forEach((r, i) => (r > 1 ? (lastTiled = i) : undefined));
    if (lastTiled < 0) return undefined;
    // Copy calls: one per x block at the last tiled axis, plus the doublings of every tiled axis.
    const calls = (a: number): number => (a === lastTiled ? 1 : (shape[a] as number) * calls(a + 1)) + Math.ceil(Math.log2(reps[a] as number));
    if (calls(0) * MIN_ELEMENTS_PER_COPY > (outSize[0] as number)) return undefined;

    const out = backend.makeOutput(outShape, x.dtype);
    // Views after the allocation (it may have grown the heap); one view over the whole heap so every
    // copy is a copyWithin (a memmove) between absolute element offsets.
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(out);
    const heap = new (dst.constructor as Float32ArrayConstructor)(dst.buffer);
    const unit = dst.BYTES_PER_ELEMENT;
    const fill = (a: number, from: number, to: number): void => {
      const block = outSize[a + 1] as number;
      if (a === lastTiled) {
        // No tiling below this axis, so x's block and the output's first copy are both contiguous.
        heap.copyWithin(to, from, from + (xSize[a] as number));
      } else {
        for (let i = 0; i < (shape[a] as number); i++) fill(a + 1, from + i * (xSize[a + 1] as number), to + i * block);
      }
      const total = outSize[a] as number;
      for (let filled = (shape[a] as number) * block; filled < total; filled *= 2) heap.copyWithin(to + filled, to, to + Math.min(filled, total - filled));
    };
    fill(0, src.byteOffset / unit, dst.byteOffset / unit);
    return out;
  },
};
