// Per-clip normalisation removes each bin's mean over the clip (and with scale its spread), survives save/load, and trains.
import * as tf from '@tensorflow/tfjs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLayersModel, saveLayersModel } from '../train/layers-model-io.ts';
import { buildDsCnn, DS_CNN_S_CMN } from './ds-cnn.ts';
import { UtteranceNormalization, utteranceNormalization } from './utterance-normalization.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Two clips of 3 frames x 2 bins, written out so the expected values can be read off by hand. */
const clips = () =>
  tf.tensor3d([
    [[1, 10], [2, 20], [3, 60]],
    [[-1, 0], [-1, 0], [5, 3]],
  ]);

describe('UtteranceNormalization', () => {
  it('subtracts each bin’s mean over the clip’s frames, per clip', () => {
    const layer = utteranceNormalization({ name: 'cmn' });
    const before = tf.memory().numTensors;
    const x = clips();
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 3, 2]);
    // Clip 1 bin means 2 and 30, clip 2 bin means 1 and 1.
    const expected = [[[-1, -20], [0, -10], [1, 30]], [[-2, -1], [-2, -1], [4, 2]]];
    (y.arraySync() as number[][][]).flat(2).forEach((v, i) => expect(v).toBeCloseTo(expected.flat(2)[i] as number, 5));
    x.dispose();
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('with scale, also divides by each bin’s standard deviation over the clip (plus epsilon)', () => {
    const layer = utteranceNormalization({ scale: true, epsilon: 1e-3 });
    const x = clips();
    const y = (layer.apply(x) as tf.Tensor).arraySync() as number[][][];
    // Clip 1 bin 0: centred -1, 0, 1, variance 2/3.
    const sd = Math.sqrt(2 / 3 + 1e-3);
    expect(y[0]?.map((f) => f[0])).toEqual([-1 / sd, 0, 1 / sd].map((v) => expect.closeTo(v, 5)));
    // Every bin of every clip ends with mean 0 and variance just under 1.
    for (const clip of y) {
      for (const bin of [0, 1]) {
        const column = clip.map((f) => f[bin] as number);
        const mean = column.reduce((a, b) => a + b, 0) / column.length;
        const variance = column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length;
        expect(mean).toBeCloseTo(0, 5);
        expect(variance).toBeGreaterThan(0.99);
        expect(variance).toBeLessThan(1);
      }
    }
    x.dispose();
  });

  it('cancels a constant added to a bin (a fixed spectral tilt), so the model sees the same input', () => {
    const model = buildDsCnn({ ...DS_CNN_S_CMN, inputFrames: 12, inputBins: 6, channels: 4, blocks: 1 }, 3);
    const x = tf.randomNormal([2, 12, 6], 0, 1, 'float32', 5);
    const tilt = tf.tensor1d([3, -2, 0.5, 0, 1, -4]);
    const a = Array.from((model.predict(x) as tf.Tensor).dataSync());
    const b = Array.from((model.predict(tf.add(x, tilt)) as tf.Tensor).dataSync());
    b.forEach((v, i) => expect(v).toBeCloseTo(a[i] as number, 4));
    expect(model.layers[0]).toBeInstanceOf(UtteranceNormalization);
    tf.dispose([x, tilt]);
    model.dispose();
  });

  it('round-trips through model.json with its settings', async () => {
    const model = buildDsCnn({ ...DS_CNN_S_CMN, inputFrames: 12, inputBins: 6, channels: 4, blocks: 1, utteranceNormalization: 'mean-variance' }, 3);
    const dir = await mkdtemp(join(tmpdir(), 'whittle-cmn-'));
    await saveLayersModel(model, dir);
    const loaded = await loadLayersModel(dir);
    const layer = loaded.layers[0] as UtteranceNormalization;
    expect(layer).toBeInstanceOf(UtteranceNormalization);
    expect([layer.scale, layer.epsilon]).toEqual([true, 1e-3]);
    const x = tf.randomNormal([3, 12, 6], 0, 1, 'float32', 9);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
    x.dispose();
  });

  it('names the layer and the value when epsilon is not positive, and the shape when the input is not [batch, frames, bins]', () => {
    expect(() => utteranceNormalization({ epsilon: 0, name: 'cmn' })).toThrow("Argument 'epsilon' passed to 'UtteranceNormalization' (layer 'cmn') must be a finite number > 0; got 0");
    const layer = utteranceNormalization({ name: 'cmn4' });
    expect(() => layer.apply(tf.zeros([1, 2, 3, 1]))).toThrow("Layer 'cmn4' (UtteranceNormalization) needs input [batch, frames, bins]; got shape [1, 2, 3, 1]");
  });
});
