// The attributes tfjs passes to its convolution gradient kernels, declared once for our implementations.

import type * as tf from '@tensorflow/tfjs';

type Shape4D = [number, number, number, number];

/** Stride, padding and rounding, common to every conv gradient kernel. */
interface ConvGeometry {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Conv2D gradients also say the layout; depthwise ones say the dilations instead. */
export type Conv2DGradAttrs<K extends 'inputShape' | 'filterShape'> = ConvGeometry & { dataFormat: 'NHWC' | 'NCHW' } & Record<K, Shape4D>;
export type DepthwiseGradAttrs<K extends 'inputShape' | 'filterShape'> = ConvGeometry & { dilations: number | [number, number] } & Record<K, Shape4D>;

/** Above this many im2col/column elements (64 MB of float32) a kernel takes its lower-memory route. */
export const MAX_COLUMN_ELEMENTS = 1 << 24;
