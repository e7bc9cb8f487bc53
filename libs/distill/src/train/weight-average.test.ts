// The weight average follows shadow = d·shadow + (1 − d)·w with a warm-up, lends its weights for a call and gives them back.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { WeightAverage } from './weight-average.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function dense(): tf.Sequential {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], kernelInitializer: 'zeros', biasInitializer: 'zeros' })] });
  return model;
}
const values = (ts: readonly tf.Tensor[]) => ts.map((t) => Array.from(t.dataSync()));

describe('WeightAverage', () => {
  it('warms its decay up: (1 + step) / (10 + step) until it reaches the configured decay', () => {
    expect(WeightAverage.decayAt(0.999, 0)).toBeCloseTo(0.1, 12);
    expect(WeightAverage.decayAt(0.999, 90)).toBeCloseTo(0.91, 12);
    expect(WeightAverage.decayAt(0.9, 1000)).toBe(0.9);
  });

  it('averages the weights step by step, and lends the average to a call without losing the training weights', () => {
    const model = dense();
    const before = tf.memory().numTensors;
    const average = WeightAverage.of(model, 0.5);
    // Step 0 (decay 0.1): the weights jump to 1 everywhere; the shadow moves 90% of the way from 0.
    const set = (v: number) => {
      const ws = [tf.fill([3, 2], v), tf.fill([2], v)];
      model.setWeights(ws);
      tf.dispose(ws);
    };
    set(1);
    average.update(0);
    expect(values(average.weights())).toEqual([Array(6).fill(0.9).map((v) => expect.closeTo(v, 6)), Array(2).fill(0.9).map((v) => expect.closeTo(v, 6))]);
    // Step 100 (decay capped at 0.5): weights 3 -> shadow 0.5·0.9 + 0.5·3 = 1.95.
    set(3);
    average.update(100);
    expect(values(average.weights())[0]).toEqual(Array(6).fill(1.95).map((v) => expect.closeTo(v, 6)));
    const seen = average.withAveraged(() => values(model.getWeights()));
    expect(seen[1]).toEqual([expect.closeTo(1.95, 6), expect.closeTo(1.95, 6)]);
    expect(values(model.getWeights())[1]).toEqual([3, 3]);
    // A call that throws still gets the training weights back.
    expect(() => average.withAveraged(() => { throw new Error('boom'); })).toThrow('boom');
    expect(values(model.getWeights())[1]).toEqual([3, 3]);
    // A restored average owns copies: the tensors it was given may be disposed.
    const saved = average.weights().map((w) => w.clone());
    const restored = WeightAverage.restore(model, 0.5, saved);
    tf.dispose(saved);
    expect(values(restored.weights())).toEqual(values(average.weights()));
    average.dispose();
    restored.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
