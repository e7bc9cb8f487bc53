// resolveAugmentConfig fills nested fields from the preset and rejects bad ones by name and value.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { DEFAULT_AUGMENT_CONFIG, NO_AUGMENT_CONFIG, resolveAugmentConfig } from './augment-config.ts';

describe('resolveAugmentConfig', () => {
  it('defaults to the speech preset, documented values, deeply frozen', () => {
    expect(resolveAugmentConfig()).toEqual(DEFAULT_AUGMENT_CONFIG);
    expect(DEFAULT_AUGMENT_CONFIG).toEqual({
      preset: 'speech',
      copies: 2,
      timeShift: { maxMs: 100 },
      noise: { probability: 0.8, snrDb: [5, 20] },
      specAugment: { timeMasks: 2, maxTimeMaskFrames: 10, freqMasks: 2, maxFreqMaskBins: 6 },
    });
    expect(Object.isFrozen(DEFAULT_AUGMENT_CONFIG.noise.snrDb)).toBe(true);
    expect(Object.isFrozen(resolveAugmentConfig().specAugment)).toBe(true);
  });

  it('turns everything off with the none preset', () => {
    const none = resolveAugmentConfig({ preset: 'none' });
    expect(none).toEqual(NO_AUGMENT_CONFIG);
    expect(none.copies).toBe(0);
    expect(none.timeShift.maxMs).toBe(0);
    expect(none.noise.probability).toBe(0);
    expect(none.specAugment.timeMasks + none.specAugment.freqMasks).toBe(0);
  });

  it('merges nested overrides field by field; explicit undefined means not given', () => {
    const c = resolveAugmentConfig({ copies: 1, noise: { snrDb: [0, 15] }, specAugment: { freqMasks: 1, timeMasks: undefined } });
    expect(c.copies).toBe(1);
    expect(c.noise).toEqual({ probability: 0.8, snrDb: [0, 15] });
    expect(c.specAugment).toEqual({ timeMasks: 2, maxTimeMaskFrames: 10, freqMasks: 1, maxFreqMaskBins: 6 });
    expect(resolveAugmentConfig({ preset: 'none', timeShift: { maxMs: 50 } }).timeShift.maxMs).toBe(50);
    // A resolved config resolves to itself.
    expect(resolveAugmentConfig(c)).toEqual(c);
  });

  it.each([
    [{ copies: -1 }, "Argument 'copies' passed to 'resolveAugmentConfig' must be an integer in [0, 16]; got -1"],
    [{ copies: 1.5 }, "Argument 'copies' passed to 'resolveAugmentConfig' must be an integer in [0, 16]; got 1.5"],
    [{ timeShift: { maxMs: 900 } }, "Argument 'timeShift.maxMs' passed to 'resolveAugmentConfig' must be a number in [0, 500]; got 900"],
    [{ noise: { probability: 1.2 } }, "Argument 'noise.probability' passed to 'resolveAugmentConfig' must be a number in [0, 1]; got 1.2"],
    [{ noise: { snrDb: [20, 5] } }, "Argument 'noise.snrDb' passed to 'resolveAugmentConfig' must be [min, max] with numbers in [-20, 80] and min <= max; got [20,5]"],
    [{ noise: { snrDb: [5] } }, /'noise\.snrDb' .*got \[5\]/],
    [{ specAugment: { timeMasks: 2.5 } }, /'specAugment\.timeMasks' .*integer in \[0, 10\]; got 2\.5/],
    [{ specAugment: { maxFreqMaskBins: -3 } }, /'specAugment\.maxFreqMaskBins' .*got -3/],
    [{ preset: 'music' }, "Argument 'preset' passed to 'resolveAugmentConfig' must be 'speech' or 'none'; got \"music\""],
    [{ noise: 'loud' }, "Argument 'noise' passed to 'resolveAugmentConfig' must be an object; got \"loud\""],
    [{ pitchShift: 2 }, "Unknown field 'pitchShift' passed to 'resolveAugmentConfig'. Supported: preset, copies, timeShift, noise, specAugment"],
    [{ noise: { snr: [1, 2] } }, "Unknown field 'noise.snr' passed to 'resolveAugmentConfig'. Supported: probability, snrDb"],
  ])('rejects %j', (partial, message) => {
    const call = () => resolveAugmentConfig(partial as never);
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(message);
  });
});
