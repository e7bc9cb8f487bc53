// wasm Identity and same-dtype Cast that share the input's buffer, as the cpu and webgl backends do; Cast to bool fixed.

import { WasmKernelScope } from './wasm-kernel-calls.ts';
import type { WasmKernelOverride } from './wasm-kernel-override.ts';

/**
 * The builtin kernels copy the whole buffer; tensors are immutable and the backend reference-counts
 * buffers (Reshape already shares), so returning the same dataId with one more reference is enough.
 * Gradients pass through Identity and Cast on every training step (ReLU's step mask, tf.moments' cast).
 */
export const IDENTITY_WASM_OVERRIDE: WasmKernelOverride = {
  kernelName: 'Identity',
  fastPath: ({ inputs, backend }) => {
    const x = inputs['x'];
    if (x === undefined || x.dtype === 'string') return undefined;
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  },
};

/**
 * Cast to the dtype the tensor already has is an identity. Cast to bool is x != 0, as in tfjs-core and
 * the cpu backend: the builtin copies the values into the byte array instead (2 stays 2, -3.7 wraps to
 * 253), which breaks masks. Other casts convert and stay builtin.
 */
export const CAST_WASM_OVERRIDE: WasmKernelOverride<{ dtype: string }> = {
  kernelName: 'Cast',
  fastPath: (args) => {
    const x = args.inputs['x'];
    if (x === undefined) return undefined;
    if (x.dtype === args.attrs.dtype) return IDENTITY_WASM_OVERRIDE.fastPath(args);
    if (args.attrs.dtype !== 'bool' || (x.dtype !== 'float32' && x.dtype !== 'int32')) return undefined;
    const scope = new WasmKernelScope(args.backend);
    const zero = scope.run('Fill', {}, { shape: [], value: 0, dtype: x.dtype });
    return scope.free(scope.run('NotEqual', { a: x, b: zero }));
  },
};
