// Mean gradient with tfjs-core's values, broadcast by the backend instead of multiplied by a JS-allocated ones tensor.

import * as tf from '@tensorflow/tfjs';

/**
 * tfjs-core computes dx = (dy * ones(x.shape)) / n, and `ones` builds the full-size array in JavaScript
 * and uploads it (~14 ms per [64, 49, 20, 64] activation on wasm; tf.moments in every batch-norm layer
 * takes this gradient twice per step). broadcastTo(dy / n, x.shape) is the same value bit for bit
 * (multiplying by one is exact) in one backend kernel (Tile, which the wasm override makes a memmove).
 */
export const MEAN_GRAD_CONFIG: tf.GradConfig = {
  kernelName: 'Mean',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    const axes = tf.util.parseAxisParam((attrs as unknown as { axis: number | number[] }).axis, x.shape);
    const reduceSize = axes.reduce((n, a) => n * (x.shape[a] as number), 1);
    const expandedShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    return { x: () => tf.broadcastTo(tf.div(tf.reshape(dy as tf.Tensor, expandedShape), reduceSize), x.shape) };
  },
};

const REPLACED = Symbol.for('whittle.meanGrad');

/** Replace the registered Mean gradient with MEAN_GRAD_CONFIG; returns false if it already was. */
export function registerMeanGradient(): boolean {
  const current = tf.getGradient('Mean') as (tf.GradConfig & { [REPLACED]?: true }) | undefined;
  if (current?.[REPLACED]) return false;
  tf.registerGradient({ ...MEAN_GRAD_CONFIG, [REPLACED]: true } as tf.GradConfig);
  return true;
}
