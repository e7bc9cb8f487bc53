// Faster wasm Mean for float32 reductions over a contiguous block of leading or middle axes.

import type { WasmKernelOverride } from './wasm-kernel-override.ts';
import { axisBlockOf, reduceAxisBlock } from './reduce-axis-block.ts';

interface Attrs {
  axis: number | number[];
  keepDims: boolean;
}

/**
 * Mean over e.g. axes [0, 1, 2] of NHWC (tf.moments in batch-norm training) or [1, 2] (global average
 * pooling) without the builtin's full transpose: one average pool.
 */
export const MEAN_WASM_OVERRIDE: WasmKernelOverride<Attrs> = {
  kernelName: 'Mean',
  fastPath: ({ inputs, backend, attrs }) => {
    const x = inputs['x'];
    if (x === undefined || x.dtype !== 'float32') return undefined;
    const block = axisBlockOf(x.shape, attrs.axis);
    return block === undefined ? undefined : reduceAxisBlock(backend, x, block, 'mean', attrs.keepDims);
  },
};
