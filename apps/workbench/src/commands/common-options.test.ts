// The training flags shared by `whittle train` and `whittle keyword-spotter`: augmentation presets and leave-one-engine-out.
import { describe, expect, it } from 'vitest';
import { NO_AUGMENT_CONFIG } from '@whittle/datasets';
import { DEFAULT_KEYWORD_SPOTTER_CONFIG } from '../pipeline/keyword-spotter-config.ts';
import { RECIPE_OPTIONS, withTrainingFlags } from './common-options.ts';

const preset = DEFAULT_KEYWORD_SPOTTER_CONFIG;

describe('withTrainingFlags', () => {
  it('keeps the preset without flags', () => {
    const c = withTrainingFlags(preset, {});
    expect(c.augment).toBe(preset.augment);
    expect(c.generalization.leaveOneEngineOut).toEqual(['espeak', 'flite']);
  });

  it("--augment speech is the preset's own augmentation (SpecAugment sized for 20 bins), none is nothing", () => {
    expect(withTrainingFlags(preset, { augment: 'speech' }).augment).toBe(preset.augment);
    expect(withTrainingFlags(preset, { augment: 'none' }).augment).toBe(NO_AUGMENT_CONFIG);
  });

  it('--augment voice-channel adds the voice and channel stages and keeps copies and SpecAugment', () => {
    const a = withTrainingFlags(preset, { augment: 'voice-channel' }).augment;
    expect(a.preset).toBe('voice-channel');
    expect(a.copies).toBe(preset.augment.copies);
    expect(a.specAugment).toEqual(preset.augment.specAugment);
    for (const stage of ['speed', 'pitch', 'reverb', 'bandLimit', 'gain', 'clip'] as const) expect(a[stage]?.probability, stage).toBeGreaterThan(0);
  });

  it('--leave-one-out takes engines or none, and names a bad one', () => {
    expect(withTrainingFlags(preset, { 'leave-one-out': 'flite' }).generalization.leaveOneEngineOut).toEqual(['flite']);
    expect(withTrainingFlags(preset, { 'leave-one-out': 'none' }).generalization.leaveOneEngineOut).toEqual([]);
    expect(() => withTrainingFlags(preset, { 'leave-one-out': 'festival' })).toThrow("Flag '--leave-one-out' takes espeak, flite or none; got 'festival'");
  });

  it('--label-smoothing, --mixup and --mixup-alpha reach the train config, and bad values name the field', () => {
    const c = withTrainingFlags(preset, { 'label-smoothing': 0.1, mixup: 0.5 });
    expect(c.train.labelSmoothing).toBe(0.1);
    expect(c.train.mixup).toEqual({ probability: 0.5, alpha: preset.train.mixup.alpha });
    expect(withTrainingFlags(preset, { 'mixup-alpha': 0.4 }).train.mixup).toEqual({ probability: preset.train.mixup.probability, alpha: 0.4 });
    expect(c.train.epochs).toBe(preset.train.epochs);
    expect(() => withTrainingFlags(preset, { 'label-smoothing': 1 })).toThrow("Flag '--label-smoothing' takes a number in [0, 1); got 1");
    expect(() => withTrainingFlags(preset, { mixup: 2 })).toThrow("Flag '--mixup' takes a number in [0, 1]; got 2");
  });

  it('--keep reaches the train config; the parser refuses a value outside its choices', () => {
    expect(withTrainingFlags(preset, { keep: 'last-epoch' }).train.keep).toBe('last-epoch');
    expect(withTrainingFlags(preset, {}).train.keep).toBe(preset.train.keep);
    expect(RECIPE_OPTIONS.keep.choices).toEqual(['best-validation', 'last-epoch']);
  });

  it('--weight-average sets the moving-average decay of the train config, and a decay of 1 names the flag', () => {
    expect(withTrainingFlags(preset, { 'weight-average': 0.999 }).train.weightAverageDecay).toBe(0.999);
    expect(withTrainingFlags(preset, {}).train.weightAverageDecay).toBe(0);
    expect(() => withTrainingFlags(preset, { 'weight-average': 1 })).toThrow("Flag '--weight-average' takes a number in [0, 1); got 1");
  });

  it('--freq-warp sets the warp probability over the default factor range and keeps the masks', () => {
    const c = withTrainingFlags(preset, { 'freq-warp': 0.8 });
    expect(c.augment.specAugment.freqWarp).toEqual({ probability: 0.8, factor: [0.9, 1.1] });
    expect({ ...c.augment.specAugment, freqWarp: undefined }).toEqual({ ...preset.augment.specAugment, freqWarp: undefined });
    expect(withTrainingFlags(preset, {}).augment.specAugment.freqWarp).toBeUndefined();
    expect(() => withTrainingFlags(preset, { 'freq-warp': 1.5 })).toThrow("Flag '--freq-warp' takes a number in [0, 1]; got 1.5");
    expect(withTrainingFlags(withTrainingFlags(preset, { 'freq-warp': 0.5 }), { 'freq-warp': 0 }).augment.specAugment).toEqual(preset.augment.specAugment);
  });
});
