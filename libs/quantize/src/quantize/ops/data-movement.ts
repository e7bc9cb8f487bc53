// Ops that only move values: their output shares the input's scale and zero point (onnxruntime drops the Q/DQ).

import type { OpQuantizer } from './op-quantizer.ts';

const dataMovement = (opType: string): OpQuantizer => ({ kind: 'data-movement', opType });

export const reshapeQuantizer = dataMovement('Reshape');
export const flattenQuantizer = dataMovement('Flatten');
export const transposeQuantizer = dataMovement('Transpose');
// max(q) = q(max) for a monotonic quantizer, so MaxPool can share its input's params too.
export const maxPoolQuantizer = dataMovement('MaxPool');
