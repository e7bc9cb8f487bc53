// What training-time augmentation does to speech: time shift, background noise, SpecAugment masks.

import { ConfigError } from '../core/errors.ts';

/** Move the clip by a uniform random offset in [-maxMs, +maxMs], zero-filling what moves in. */
export interface TimeShiftConfig {
  readonly maxMs: number;
}

/** With `probability`, mix a random stretch of a noise-bank clip at a uniform SNR in `snrDb`. */
export interface NoiseMixConfig {
  readonly probability: number;
  /** Clip power over noise power, dB, [min, max]; the clip's power is taken over its whole length. */
  readonly snrDb: readonly [number, number];
}

/** SpecAugment (Park et al. 2019) time and frequency masks on normalised features, fresh every batch. */
export interface SpecAugmentConfig {
  readonly timeMasks: number;
  /** Widest time mask, frames; each mask's width is uniform in [0, max] (clamped to the frame count). */
  readonly maxTimeMaskFrames: number;
  readonly freqMasks: number;
  /** Widest frequency mask, mel bins; uniform in [0, max] (clamped to the bin count). */
  readonly maxFreqMaskBins: number;
}

export interface AugmentConfig {
  /** Which preset unspecified fields come from in resolveAugmentConfig(). */
  readonly preset: 'speech' | 'none';
  /**
   * Augmented waveform copies of each training clip (time shift + noise), featurised once and cached:
   * fbank extraction is too slow to redo every epoch, so training draws from the clean set and these.
   */
  readonly copies: number;
  readonly timeShift: TimeShiftConfig;
  readonly noise: NoiseMixConfig;
  readonly specAugment: SpecAugmentConfig;
}

/** A partial config: any field, and any field of the nested groups, may be left out. */
export interface AugmentConfigOverrides {
  readonly preset?: AugmentConfig['preset'];
  readonly copies?: number;
  readonly timeShift?: Partial<TimeShiftConfig>;
  readonly noise?: Partial<NoiseMixConfig>;
  readonly specAugment?: Partial<SpecAugmentConfig>;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value as object)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * On by default for speech. Time shift ±100 ms and noise with probability 0.8 follow TensorFlow's
 * speech_commands recipe (time_shift_ms=100, background_frequency=0.8). That recipe scales noise by a
 * volume up to 0.1 of its recorded level, by our estimate roughly 5-10 dB SNR at the loudest on its
 * louder noise files and 20+ dB typically; we draw the SNR itself, uniform in [5, 20] dB, so the amount of noise does not
 * depend on how loud a noise file happened to be recorded. SpecAugment as commonly used for KWS on
 * ~100 x 40 features: 2 time masks up to 10 frames (~10% of 98) and 2 frequency masks up to 6 bins
 * (15% of 40). Two cached copies double and triple the clean set's variety at 2x its feature memory.
 */
export const DEFAULT_AUGMENT_CONFIG: AugmentConfig = deepFreeze<AugmentConfig>({
  preset: 'speech',
  copies: 2,
  timeShift: { maxMs: 100 },
  noise: { probability: 0.8, snrDb: [5, 20] },
  specAugment: { timeMasks: 2, maxTimeMaskFrames: 10, freqMasks: 2, maxFreqMaskBins: 6 },
});

/** Everything off: training sees the clean features only. */
export const NO_AUGMENT_CONFIG: AugmentConfig = deepFreeze<AugmentConfig>({
  preset: 'none',
  copies: 0,
  timeShift: { maxMs: 0 },
  noise: { probability: 0, snrDb: [5, 20] },
  specAugment: { timeMasks: 0, maxTimeMaskFrames: 0, freqMasks: 0, maxFreqMaskBins: 0 },
});

const WHERE = "passed to 'resolveAugmentConfig'";

function fail(field: string, expected: string, got: unknown): never {
  throw new ConfigError(`Argument '${field}' ${WHERE} must be ${expected}; got ${JSON.stringify(got)}`);
}

function checkNumber(field: string, v: unknown, lo: number, hi: number, integer = false): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
    fail(field, `${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}]`, v);
  }
}

function checkRange(field: string, v: unknown, lo: number, hi: number): void {
  const ok = Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= lo && x <= hi) && (v[0] as number) <= (v[1] as number);
  if (!ok) fail(field, `[min, max] with numbers in [${lo}, ${hi}] and min <= max`, v);
}

/** `given` over `base`, where an explicit undefined means "not given"; unknown keys are an error. */
function merge<T extends object>(base: T, given: unknown, path: string): T {
  if (given === undefined) return base;
  if (given === null || typeof given !== 'object' || Array.isArray(given)) fail(path, 'an object', given);
  const known = Object.keys(base);
  const extra = Object.keys(given).find((k) => !known.includes(k));
  if (extra !== undefined) {
    throw new ConfigError(`Unknown field '${path === '' ? '' : `${path}.`}${extra}' ${WHERE}. Supported: ${known.join(', ')}`);
  }
  return { ...base, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };
}

/**
 * Fill unspecified fields (nested ones too) from the preset `partial.preset` names (default
 * 'speech') and validate every field; errors name the field, the value and what was expected.
 *
 * @example resolveAugmentConfig({ copies: 1, noise: { snrDb: [0, 15] } })
 */
export function resolveAugmentConfig(partial: AugmentConfigOverrides = {}): AugmentConfig {
  if (partial.preset !== undefined && partial.preset !== 'speech' && partial.preset !== 'none') fail('preset', "'speech' or 'none'", partial.preset);
  const base = partial.preset === 'none' ? NO_AUGMENT_CONFIG : DEFAULT_AUGMENT_CONFIG;
  const top = merge<Record<string, unknown>>({ ...base }, partial, '');
  const c: AugmentConfig = {
    preset: base.preset,
    copies: top['copies'] as number,
    timeShift: merge({ ...base.timeShift }, partial.timeShift, 'timeShift'),
    noise: merge({ ...base.noise }, partial.noise, 'noise'),
    specAugment: merge({ ...base.specAugment }, partial.specAugment, 'specAugment'),
  };

  checkNumber('copies', c.copies, 0, 16, true);
  // Beyond half a second a 1 s clip's word is often pushed out entirely, and the label becomes a lie.
  checkNumber('timeShift.maxMs', c.timeShift.maxMs, 0, 500);
  checkNumber('noise.probability', c.noise.probability, 0, 1);
  checkRange('noise.snrDb', c.noise.snrDb, -20, 80);
  checkNumber('specAugment.timeMasks', c.specAugment.timeMasks, 0, 10, true);
  checkNumber('specAugment.maxTimeMaskFrames', c.specAugment.maxTimeMaskFrames, 0, 1000, true);
  checkNumber('specAugment.freqMasks', c.specAugment.freqMasks, 0, 10, true);
  checkNumber('specAugment.maxFreqMaskBins', c.specAugment.maxFreqMaskBins, 0, 128, true);
  return deepFreeze(structuredClone(c));
}
