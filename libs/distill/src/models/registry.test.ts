// Every zoo model builds at its declared shape with its declared parameters and MACs, deterministically per seed.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { UnsupportedError } from '@whittle/datasets';
import { countMacs } from './count-macs.ts';
import { getModelSpec, MODEL_NAMES, MODEL_REGISTRY } from './registry.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(MODEL_NAMES.map((name) => [name]))('%s', (name) => {
  const spec = getModelSpec(name);

  it('builds [N, frames, bins] -> [N, classes] with the declared parameters and MACs', () => {
    const model = spec.build(spec.shape, 1);
    expect(spec.name).toBe(name);
    expect(spec.description.length).toBeGreaterThan(20);
    expect(model.inputs[0]?.shape).toEqual([null, spec.shape.inputFrames, spec.shape.inputBins]);
    expect(model.outputs[0]?.shape).toEqual([null, spec.shape.numClasses]);
    expect(model.countParams()).toBe(spec.params);
    expect(countMacs(model)).toBe(spec.macs);
    model.dispose();
  });

  it('same seed, same weights and logits; different seed, different weights', () => {
    const [a, b, c] = [7, 7, 8].map((seed) => spec.build({ ...spec.shape, inputFrames: 28, inputBins: 20 }, seed));
    const x = tf.randomNormal([2, 28, 20], 0, 1, 'float32', 3);
    const flat = (m: tf.LayersModel) => m.getWeights().flatMap((w) => Array.from(w.dataSync()));
    expect(flat(a!)).toEqual(flat(b!));
    expect(flat(a!)).not.toEqual(flat(c!));
    const logits = (m: tf.LayersModel) => tf.tidy(() => Array.from((m.predict(x) as tf.Tensor).dataSync()));
    const before = tf.memory().numTensors;
    expect(logits(a!)).toEqual(logits(b!));
    expect(tf.memory().numTensors).toBe(before);
    expect(logits(a!).every(Number.isFinite)).toBe(true);
    x.dispose();
    for (const m of [a, b, c]) m!.dispose();
  });
});

describe('getModelSpec', () => {
  it('lists every registered name on a miss', () => {
    expect(MODEL_NAMES).toEqual(['ds-cnn-s', 'ds-cnn-s-cmn', 'ds-cnn-s-cmvn', 'ds-cnn-96', 'ds-cnn-96-cmn', 'ds-cnn-128', 'ds-cnn-m', 'ds-cnn-m-cmn', 'ds-cnn-l', 'bc-resnet-1', 'image-cnn-s']);
    expect(Object.keys(MODEL_REGISTRY)).toEqual(MODEL_NAMES);
    expect(() => getModelSpec('gru-large')).toThrow(UnsupportedError);
    expect(() => getModelSpec('gru-large')).toThrow("Unknown model 'gru-large'. Supported: ds-cnn-s, ds-cnn-s-cmn, ds-cnn-s-cmvn, ds-cnn-96, ds-cnn-96-cmn, ds-cnn-128, ds-cnn-m, ds-cnn-m-cmn, ds-cnn-l, bc-resnet-1, image-cnn-s");
    expect(() => getModelSpec('toString')).toThrow("Unknown model 'toString'");
  });
});
