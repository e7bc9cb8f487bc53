// resolveAugmentConfig fills nested fields from the preset and rejects bad ones by name and value.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { DEFAULT_AUGMENT_CONFIG, FREQ_WARP_DEFAULTS, NO_AUGMENT_CONFIG, resolveAugmentConfig, VOICE_CHANNEL_AUGMENT_CONFIG, WAVEFORM_STAGE_DEFAULTS, WAVEFORM_STAGES } from './augment-config.ts';

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
    [{ preset: 'music' }, "Argument 'preset' passed to 'resolveAugmentConfig' must be 'speech', 'none' or 'voice-channel'; got \"music\""],
    [{ noise: 'loud' }, "Argument 'noise' passed to 'resolveAugmentConfig' must be an object; got \"loud\""],
    [{ pitchShift: 2 }, "Unknown field 'pitchShift' passed to 'resolveAugmentConfig'. Supported: preset, copies, timeShift, noise, specAugment, speed, pitch, reverb, bandLimit, gain, clip, dcOffset"],
    [{ speed: { probability: 2 } }, "Argument 'speed.probability' passed to 'resolveAugmentConfig' must be a number in [0, 1]; got 2"],
    [{ speed: { factor: [1.2, 0.9] } }, "Argument 'speed.factor' passed to 'resolveAugmentConfig' must be [min, max] with numbers in [0.5, 1.5] and min <= max; got [1.2,0.9]"],
    [{ pitch: { semitones: [-13, 0] } }, /'pitch\.semitones' .*in \[-12, 12\].*got \[-13,0\]/],
    [{ reverb: { rt60Seconds: [0.1, 3] } }, /'reverb\.rt60Seconds' .*in \[0\.01, 1\.5\].*got \[0\.1,3\]/],
    [{ reverb: { wet: [0.5, 1.5] } }, /'reverb\.wet' .*got \[0\.5,1\.5\]/],
    [{ bandLimit: { telephoneShare: -0.1 } }, /'bandLimit\.telephoneShare' .*got -0\.1/],
    [{ bandLimit: { lowPassHz: [3000, 8000] } }, /'bandLimit\.lowPassHz' .*in \[1000, 7600\].*got \[3000,8000\]/],
    [{ bandLimit: { highPassHz: [5, 100] } }, /'bandLimit\.highPassHz' .*got \[5,100\]/],
    [{ gain: { db: [-50, 0] } }, /'gain\.db' .*got \[-50,0\]/],
    [{ clip: { driveDb: [-1, 3] } }, /'clip\.driveDb' .*got \[-1,3\]/],
    [{ dcOffset: { offset: [0, 1] } }, /'dcOffset\.offset' .*got \[0,1\]/],
    [{ reverb: 0.3 }, "Argument 'reverb' passed to 'resolveAugmentConfig' must be an object; got 0.3"],
    [{ reverb: { rt60: [0.1, 0.2] } }, "Unknown field 'reverb.rt60' passed to 'resolveAugmentConfig'. Supported: probability, rt60Seconds, wet"],
    [{ noise: { snr: [1, 2] } }, "Unknown field 'noise.snr' passed to 'resolveAugmentConfig'. Supported: probability, snrDb"],
    [{ specAugment: { freqWarp: { probability: 1.5 } } }, "Argument 'specAugment.freqWarp.probability' passed to 'resolveAugmentConfig' must be a number in [0, 1]; got 1.5"],
    [{ specAugment: { freqWarp: { factor: [1.1, 0.9] } } }, "Argument 'specAugment.freqWarp.factor' passed to 'resolveAugmentConfig' must be [min, max] with numbers in [0.7, 1.3] and min <= max; got [1.1,0.9]"],
    [{ specAugment: { freqWarp: { factor: [0.5, 1] } } }, /'specAugment\.freqWarp\.factor' .*in \[0\.7, 1\.3\].*got \[0\.5,1\]/],
    [{ specAugment: { freqWarp: 0.2 } }, "Argument 'specAugment.freqWarp' passed to 'resolveAugmentConfig' must be an object; got 0.2"],
    [{ specAugment: { freqWarp: { alpha: [0.9, 1.1] } } }, "Unknown field 'specAugment.freqWarp.alpha' passed to 'resolveAugmentConfig'. Supported: probability, factor"],
    [{ specAugment: { warp: 1 } }, "Unknown field 'specAugment.warp' passed to 'resolveAugmentConfig'. Supported: timeMasks, maxTimeMaskFrames, freqMasks, maxFreqMaskBins, freqWarp"],
  ])('rejects %j', (partial, message) => {
    const call = () => resolveAugmentConfig(partial as never);
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(message);
  });
});

describe('resolveAugmentConfig with the voice and channel stages', () => {
  it('leaves them out of the default and none presets, so those configs are what they were', () => {
    for (const stage of WAVEFORM_STAGES) {
      expect(stage in DEFAULT_AUGMENT_CONFIG).toBe(false);
      expect(stage in NO_AUGMENT_CONFIG).toBe(false);
      expect(stage in resolveAugmentConfig({ copies: 1 })).toBe(false);
      expect(stage in resolveAugmentConfig({ [stage]: undefined })).toBe(false);
    }
    expect(JSON.stringify(resolveAugmentConfig())).toBe(
      '{"preset":"speech","copies":2,"timeShift":{"maxMs":100},"noise":{"probability":0.8,"snrDb":[5,20]},"specAugment":{"timeMasks":2,"maxTimeMaskFrames":10,"freqMasks":2,"maxFreqMaskBins":6}}',
    );
  });

  it('fills a stage asked for from its defaults (off, with the preset ranges)', () => {
    const c = resolveAugmentConfig({ reverb: { probability: 0.3 } });
    expect(c.reverb).toEqual({ probability: 0.3, rt60Seconds: [0.1, 0.6], wet: [0.1, 0.5] });
    expect(c.speed).toBeUndefined();
    expect(Object.isFrozen(c.reverb?.rt60Seconds)).toBe(true);
    expect(resolveAugmentConfig(c)).toEqual(c);
    for (const stage of WAVEFORM_STAGES) expect(WAVEFORM_STAGE_DEFAULTS[stage].probability).toBe(0);
  });

  it('has a voice-channel preset: the default speech settings plus every stage, DC offset off', () => {
    const c = resolveAugmentConfig({ preset: 'voice-channel' });
    expect(c).toEqual(VOICE_CHANNEL_AUGMENT_CONFIG);
    expect({ copies: c.copies, timeShift: c.timeShift, noise: c.noise, specAugment: c.specAugment }).toEqual({
      copies: DEFAULT_AUGMENT_CONFIG.copies,
      timeShift: DEFAULT_AUGMENT_CONFIG.timeShift,
      noise: DEFAULT_AUGMENT_CONFIG.noise,
      specAugment: DEFAULT_AUGMENT_CONFIG.specAugment,
    });
    expect(c.speed).toEqual({ probability: 0.5, factor: [0.85, 1.15] });
    expect(c.pitch).toEqual({ probability: 0.5, semitones: [-3, 3] });
    expect(c.reverb?.probability).toBe(0.3);
    expect(c.bandLimit).toEqual({ probability: 0.3, telephoneShare: 0.3, highPassHz: [50, 400], lowPassHz: [3000, 7000] });
    expect(c.gain).toEqual({ probability: 0.5, db: [-12, 12] });
    expect(c.clip).toEqual({ probability: 0.1, driveDb: [1, 12] });
    expect(c.dcOffset?.probability).toBe(0);
    // Overrides apply on top of the preset, field by field.
    const tuned = resolveAugmentConfig({ preset: 'voice-channel', copies: 4, reverb: { probability: 0 }, specAugment: { freqMasks: 1 } });
    expect([tuned.copies, tuned.reverb?.probability, tuned.reverb?.rt60Seconds, tuned.specAugment.freqMasks]).toEqual([4, 0, [0.1, 0.6], 1]);
  });
});

describe('resolveAugmentConfig with the SpecAugment frequency warp', () => {
  it('leaves it out of every preset and of configs that do not ask for it', () => {
    expect(FREQ_WARP_DEFAULTS).toEqual({ probability: 0, factor: [0.9, 1.1] });
    for (const preset of ['speech', 'none', 'voice-channel'] as const) {
      expect('freqWarp' in resolveAugmentConfig({ preset }).specAugment).toBe(false);
      expect('freqWarp' in resolveAugmentConfig({ preset, specAugment: { freqMasks: 1, freqWarp: undefined } }).specAugment).toBe(false);
    }
    expect(resolveAugmentConfig({ preset: 'voice-channel' })).toEqual(VOICE_CHANNEL_AUGMENT_CONFIG);
  });

  it('fills a warp asked for from its defaults, field by field, over any preset', () => {
    const c = resolveAugmentConfig({ specAugment: { freqWarp: { probability: 0.5 } } });
    expect(c.specAugment).toEqual({ timeMasks: 2, maxTimeMaskFrames: 10, freqMasks: 2, maxFreqMaskBins: 6, freqWarp: { probability: 0.5, factor: [0.9, 1.1] } });
    expect(Object.isFrozen(c.specAugment.freqWarp?.factor)).toBe(true);
    expect(resolveAugmentConfig(c)).toEqual(c);
    // A resolved SpecAugment passed back whole (as resolveTrainConfig does) keeps its warp; a partial one merges into it.
    expect(resolveAugmentConfig({ specAugment: c.specAugment }).specAugment).toEqual(c.specAugment);
    const voice = resolveAugmentConfig({ preset: 'voice-channel', specAugment: { timeMasks: 1, freqWarp: { factor: [0.85, 1.15] } } });
    expect(voice.specAugment).toEqual({ timeMasks: 1, maxTimeMaskFrames: 10, freqMasks: 2, maxFreqMaskBins: 6, freqWarp: { probability: 0, factor: [0.85, 1.15] } });
    expect(voice.speed).toEqual(VOICE_CHANNEL_AUGMENT_CONFIG.speed);
    expect(JSON.stringify(resolveAugmentConfig({ preset: 'none', specAugment: { freqWarp: { probability: 1, factor: [1, 1.2] } } }).specAugment)).toBe(
      '{"timeMasks":0,"maxTimeMaskFrames":0,"freqMasks":0,"maxFreqMaskBins":0,"freqWarp":{"probability":1,"factor":[1,1.2]}}',
    );
  });
});
