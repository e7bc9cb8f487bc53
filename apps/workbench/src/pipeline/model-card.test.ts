// The model card's training line names every regulariser that was on, and the int8's calibration data when it was augmented.
import { describe, expect, it } from 'vitest';
import type { ComparisonReport } from '@whittle/eval';
import { renderModelCard, trainingLine } from './model-card.ts';
import type { OnnxRecord } from './quantize-stage.ts';
import type { TrainRecord } from './train-stage.ts';

const specAugment = { timeMasks: 2, maxTimeMaskFrames: 8, freqMasks: 1, maxFreqMaskBins: 2 };
/** A train record with only what the card reads; `train` and `augment` fields override the plain run's. */
function record(train: Record<string, unknown> = {}, augment: Record<string, unknown> = {}): TrainRecord {
  return {
    config: {
      publish: { name: 'kws' },
      data: { kind: 'folder' },
      frontEnd: { numMelBins: 20, frames: 98 },
      augment: { copies: 2, preset: 'time-noise', specAugment, ...augment },
      train: { seed: 42, ...train },
    },
    dataset: { dir: '/data/speech' },
    labels: ['yes', 'no'],
    model: { name: 'ds-cnn-s', params: 1000, macs: 2e6 },
    backend: { name: 'cpu' },
    training: { history: [{}, {}, {}], bestEpoch: 2, samplesPerSecond: 123.4 },
    roles: [],
  } as unknown as TrainRecord;
}
function onnx(calibration: Partial<OnnxRecord['calibration']> = {}): OnnxRecord {
  return {
    opset: 13,
    parity: { clips: 10, maxAbsLogitDiff: 1e-6, topOneAgreement: 1 },
    calibration: { method: 'minmax', samples: 512, split: 'training', ...calibration },
    variants: [],
    int8: { maxDrop: 0.3, baselineAccuracy: 0.9, accuracy: 0.9, drop: 0, withinBound: true, keptFloat: [], steps: [] },
  } as unknown as OnnxRecord;
}
const plainLine = 'Training: 3 epochs (best 2), Adam, seed 42, 123 samples/s, 2 augmented copies of every training clip (time shift, background noise), SpecAugment masks.';

describe('trainingLine', () => {
  it('names nothing more for a plain run, nor for a record written before VTLP, label smoothing and mixup existed', () => {
    expect(trainingLine(record(), onnx())).toBe(plainLine);
    expect(trainingLine(record({ labelSmoothing: 0, mixup: { probability: 0, alpha: 0.2 } }, { specAugment: { ...specAugment, freqWarp: { probability: 0, factor: [0.9, 1.1] } } }), onnx({ data: 'training' }))).toBe(plainLine);
  });

  it('names VTLP, label smoothing and mixup with their settings when they are on', () => {
    const line = trainingLine(record({ labelSmoothing: 0.1, mixup: { probability: 0.5, alpha: 0.2 } }, { specAugment: { ...specAugment, freqWarp: { probability: 0.8, factor: [0.9, 1.1] } } }), onnx());
    expect(line).toBe(`${plainLine.slice(0, -1)}, VTLP frequency warp (probability 0.8, factor 0.9-1.1), label smoothing 0.1, mixup (probability 0.5, alpha 0.2).`);
  });

  it('says when the run kept its last epoch and averaged its weights', () => {
    expect(trainingLine(record({ keep: 'last-epoch', weightAverageDecay: 0.999 }), onnx())).toBe(
      'Training: 3 epochs (the last, 2, kept), Adam, seed 42, 123 samples/s, 2 augmented copies of every training clip (time shift, background noise), SpecAugment masks, a moving average of the weights (decay 0.999).',
    );
    expect(trainingLine(record({ keep: 'best-validation', weightAverageDecay: 0 }), onnx())).toBe(plainLine);
  });

  it("says what the int8 calibrated on when it was the augmented copies", () => {
    expect(trainingLine(record(), onnx({ data: 'training-augmented', copies: 2, samples: 300 }))).toBe(`${plainLine} The int8 calibrates on 300 training clips, each clean or one of its 2 augmented copies (equal chance).`);
  });
});

describe('renderModelCard', () => {
  it('carries the training line', () => {
    const card = renderModelCard({ version: 'v1', record: record({ labelSmoothing: 0.1 }), onnxRecord: onnx(), report: { variants: [] } as unknown as ComparisonReport });
    expect(card).toContain(`${plainLine.slice(0, -1)}, label smoothing 0.1.\nTrained from scratch`);
  });
});
