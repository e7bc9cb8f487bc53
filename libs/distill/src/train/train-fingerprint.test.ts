// Fingerprints: a default config's is the one written before label smoothing and mixup existed; changes are named.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDsCnn, DS_CNN_S } from '../models/ds-cnn.ts';
import { toyBandSet } from '../testing/toy-band-set.ts';
import { resolveTrainConfig } from './train-config.ts';
import { fingerprintDifferences, trainFingerprint, type TrainFingerprint } from './train-fingerprint.ts';

const shape = { frames: 8, bins: 6, bandWidth: 2, noise: 0.3 };
const tiny = { ...DS_CNN_S, inputFrames: 8, inputBins: 6, numClasses: 3, channels: 4, blocks: 1, dropout: 0 };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('trainFingerprint with regularisers', () => {
  const train = toyBandSet(12, 1, shape);
  const validation = toyBandSet(6, 2, shape);
  let model: tf.LayersModel;
  beforeAll(() => {
    model = buildDsCnn(tiny, 1);
  });
  const fingerprintOf = (partial: Parameters<typeof resolveTrainConfig>[0]) => trainFingerprint(resolveTrainConfig(partial), train, validation, model);

  it('matches a checkpoint written before the fields existed when they are off', () => {
    const current = fingerprintOf({ epochs: 4 });
    // What an older checkpoint holds: the same config without labelSmoothing, mixup, weightAverageDecay and keep (JSON round trip, as on disk).
    const { labelSmoothing: _l, mixup: _m, weightAverageDecay: _w, keep: _k, ...older } = resolveTrainConfig({ epochs: 4 });
    const saved = JSON.parse(JSON.stringify({ ...current, config: older })) as TrainFingerprint;
    expect(JSON.stringify(current.config)).toBe(JSON.stringify(older));
    expect(fingerprintDifferences(saved, current)).toEqual([]);
  });

  it('names a regulariser that changed, with its off value when it is off', () => {
    const off = fingerprintOf({ epochs: 4 });
    const on = fingerprintOf({ epochs: 4, labelSmoothing: 0.1, mixup: { probability: 0.5, alpha: 0.2 } });
    expect(fingerprintDifferences(on, off)).toEqual(['config labelSmoothing: checkpoint 0.1, now 0', 'config mixup.probability: checkpoint 0.5, now 0']);
    const otherAlpha = fingerprintOf({ epochs: 4, labelSmoothing: 0.1, mixup: { probability: 0.5, alpha: 0.4 } });
    expect(fingerprintDifferences(on, otherAlpha)).toEqual(['config mixup.alpha: checkpoint 0.2, now 0.4']);
    // Alpha does nothing while mixup is off, so it does not block a resume.
    expect(fingerprintDifferences(off, fingerprintOf({ epochs: 4, mixup: { probability: 0, alpha: 0.9 } }))).toEqual([]);
  });
});
