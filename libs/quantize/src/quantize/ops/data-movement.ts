// Ops that only move values: their output shares the input's scale and zero point (onnxruntime drops the Q/DQ).

import type { OpQuantizer } from './op-quantizer.ts';

const dataMovement = (opType: string): OpQuantizer => ({ kind: 'data-movement', opType });

export const reshapeQuantizer = dataMovement('Reshape');
export const flattenQuantizer = dataMovement('Flatten');
export const transposeQuantizer = dataMovement('Transpose');
// max(q) = q(max) for a monotonic quantizer, so MaxPool can share its input's params too.
export const maxPoolQuantizer = dataMovement('MaxPool');
// Zero padding only adds zeros, and every activation range includes 0 (activationParams widens it),
// so 0 is exactly the zero point and the padded tensor can share its input's params.
export const padQuantizer = dataMovement('Pad');
