// Label smoothing and mixup default to off, validate with the field's name, and leave a default config's identity as it was.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@whittle/datasets';
import { DEFAULT_TRAIN_CONFIG, resolveTrainConfig, trainConfigIdentity } from './train-config.ts';

describe('resolveTrainConfig regularisers', () => {
  it('are off by default, and mixup alone keeps the default alpha', () => {
    expect(DEFAULT_TRAIN_CONFIG.labelSmoothing).toBe(0);
    expect(DEFAULT_TRAIN_CONFIG.mixup).toEqual({ probability: 0, alpha: 0.2 });
    const c = resolveTrainConfig({ labelSmoothing: 0.1, mixup: { ...DEFAULT_TRAIN_CONFIG.mixup, probability: 0.5 } });
    expect(c.labelSmoothing).toBe(0.1);
    expect(c.mixup).toEqual({ probability: 0.5, alpha: 0.2 });
    expect(Object.isFrozen(c.mixup)).toBe(true);
  });

  it.each([
    [{ labelSmoothing: 1 }, "Argument 'labelSmoothing' passed to 'train' must be a number in [0, 1); got 1"],
    [{ labelSmoothing: -0.1 }, "Argument 'labelSmoothing' passed to 'train' must be a number in [0, 1); got -0.1"],
    [{ mixup: { probability: 1.5, alpha: 0.2 } }, "Argument 'mixup.probability' passed to 'train' must be a number in [0, 1]; got 1.5"],
    [{ mixup: { probability: 0.5, alpha: 0 } }, "Argument 'mixup.alpha' passed to 'train' must be a finite number > 0; got 0"],
  ])('rejects %j naming the field', (partial, message) => {
    expect(() => resolveTrainConfig(partial)).toThrow(ConfigError);
    expect(() => resolveTrainConfig(partial)).toThrow(message);
  });
});

describe('trainConfigIdentity', () => {
  it('is the config as it was before the regularisers existed while they are off', () => {
    const identity = trainConfigIdentity(resolveTrainConfig({ epochs: 3, mixup: { probability: 0, alpha: 0.7 } }));
    expect(Object.keys(identity).sort()).toEqual(['batchSize', 'earlyStopping', 'epochs', 'finalLearningRateFraction', 'learningRate', 'loss', 'model', 'seed', 'specAugment', 'workers']);
    expect(identity.epochs).toBe(3);
  });

  it('keeps each regulariser that is on', () => {
    const identity = trainConfigIdentity(resolveTrainConfig({ labelSmoothing: 0.1, mixup: { probability: 0.4, alpha: 0.3 } }));
    expect(identity.labelSmoothing).toBe(0.1);
    expect(identity.mixup).toEqual({ probability: 0.4, alpha: 0.3 });
    expect(trainConfigIdentity(resolveTrainConfig({ labelSmoothing: 0.1 })).mixup).toBeUndefined();
  });
});
