// What training-time augmentation does to speech: voice and channel changes, time shift, noise, SpecAugment masks.

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

/**
 * With `probability`, warp a row's frequency axis by a factor uniform in `factor` (vocal-tract-length
 * perturbation, Jaitly & Hinton 2013; see warpRowFrequencies): 1.1 moves formants ~10% up.
 */
export interface FreqWarpConfig {
  readonly probability: number;
  readonly factor: readonly [number, number];
}

/**
 * SpecAugment (Park et al. 2019) time and frequency masks on normalised features, fresh every batch,
 * after an optional frequency warp of each row.
 */
export interface SpecAugmentConfig {
  readonly timeMasks: number;
  /** Widest time mask, frames; each mask's width is uniform in [0, max] (clamped to the frame count). */
  readonly maxTimeMaskFrames: number;
  readonly freqMasks: number;
  /** Widest frequency mask, mel bins; uniform in [0, max] (clamped to the bin count). */
  readonly maxFreqMaskBins: number;
  /**
   * Absent means off, like probability 0. resolveAugmentConfig() fills the fields left out of a given
   * warp from FREQ_WARP_DEFAULTS and leaves the field out when no preset has it and none is asked for.
   */
  readonly freqWarp?: FreqWarpConfig;
}

/** SpecAugment overrides: any field, and any field of the frequency warp, may be left out. */
export type SpecAugmentOverrides = Partial<Omit<SpecAugmentConfig, 'freqWarp'>> & { readonly freqWarp?: Partial<FreqWarpConfig> };

/** With `probability`, play the clip faster or slower by a factor uniform in `factor` (pitch and tempo together). */
export interface SpeedPerturbConfig {
  readonly probability: number;
  /** Speed factor [min, max]; 1.1 is 10% faster and 10% higher. Rounded to a 1/200 grid. */
  readonly factor: readonly [number, number];
}

/** With `probability`, shift every frequency by a uniform number of semitones, keeping the duration. */
export interface PitchShiftConfig {
  readonly probability: number;
  /** [min, max] semitones; the ratio 2^(s/12) is rounded to a 1/200 grid (under 0.09 semitone). */
  readonly semitones: readonly [number, number];
}

/** With `probability`, put the clip in a synthetic room (exponentially decaying noise tail). */
export interface ReverbConfig {
  readonly probability: number;
  /** Time for the room's response to fall 60 dB, seconds, [min, max]. */
  readonly rt60Seconds: readonly [number, number];
  /** Reverberant share of the power, [min, max] in [0, 1]: 0 dry, 1 only the tail (equal-power mix). */
  readonly wet: readonly [number, number];
}

/** With `probability`, pass the clip through a band-limited channel (4th-order Butterworth edges). */
export interface BandLimitConfig {
  readonly probability: number;
  /** Of the band-limited draws, the share that use the telephone band (300-3400 Hz) instead of random edges. */
  readonly telephoneShare: number;
  /** "Cheap microphone" high-pass cutoff, Hz, [min, max]. */
  readonly highPassHz: readonly [number, number];
  /** "Cheap microphone" low-pass cutoff, Hz, [min, max]; below the 16 kHz front end's 8 kHz Nyquist. */
  readonly lowPassHz: readonly [number, number];
}

/** With `probability`, scale the clip by a gain uniform in `db`. */
export interface GainConfig {
  readonly probability: number;
  readonly db: readonly [number, number];
}

/**
 * With `probability`, hard-clip the clip as if driven `driveDb` above full scale: at ±1 after a gain
 * that puts its peak `driveDb` over 1, and the gain taken back (see driveClip).
 */
export interface ClipConfig {
  readonly probability: number;
  readonly driveDb: readonly [number, number];
}

/** With `probability`, add a constant uniform in `offset` (full scale is ±1). */
export interface DcOffsetConfig {
  readonly probability: number;
  readonly offset: readonly [number, number];
}

/**
 * The optional waveform stages (absent = off), in the order augmentWaveform applies them around the
 * time shift and noise: speed, pitch, [time shift], reverb, bandLimit, [noise], gain, clip, dcOffset.
 */
export interface WaveformAugmentConfig {
  readonly speed?: SpeedPerturbConfig;
  readonly pitch?: PitchShiftConfig;
  readonly reverb?: ReverbConfig;
  readonly bandLimit?: BandLimitConfig;
  readonly gain?: GainConfig;
  readonly clip?: ClipConfig;
  readonly dcOffset?: DcOffsetConfig;
}

export interface AugmentConfig extends WaveformAugmentConfig {
  /** Which preset unspecified fields come from in resolveAugmentConfig(). */
  readonly preset: 'speech' | 'none' | 'voice-channel';
  /**
   * Augmented waveform copies of each training clip (time shift, noise and the waveform stages that
   * are on; see augmentWaveform), featurised once and cached:
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
  readonly specAugment?: SpecAugmentOverrides;
  readonly speed?: Partial<SpeedPerturbConfig>;
  readonly pitch?: Partial<PitchShiftConfig>;
  readonly reverb?: Partial<ReverbConfig>;
  readonly bandLimit?: Partial<BandLimitConfig>;
  readonly gain?: Partial<GainConfig>;
  readonly clip?: Partial<ClipConfig>;
  readonly dcOffset?: Partial<DcOffsetConfig>;
}

/** The optional waveform stages' names, in augmentWaveform's order. */
export const WAVEFORM_STAGES = Object.freeze(['speed', 'pitch', 'reverb', 'bandLimit', 'gain', 'clip', 'dcOffset'] as const);
export type WaveformStage = (typeof WAVEFORM_STAGES)[number];

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

/**
 * Where a waveform stage's unspecified fields come from when the preset leaves the stage out:
 * everything off, with the ranges VOICE_CHANNEL_AUGMENT_CONFIG uses, so `{ reverb: { probability: 0.3 } }`
 * is a complete request.
 */
export const WAVEFORM_STAGE_DEFAULTS: Required<WaveformAugmentConfig> = deepFreeze<Required<WaveformAugmentConfig>>({
  // Kaldi's 3-way speed perturbation uses 0.9 / 1.0 / 1.1; a continuous ±15% reaches a little further.
  speed: { probability: 0, factor: [0.85, 1.15] },
  // ±3 semitones: about a third of the ~10 semitones between typical male and female speaking pitch.
  pitch: { probability: 0, semitones: [-3, 3] },
  // Small rooms to living rooms; the wet share stays under one half so the word remains the main sound.
  reverb: { probability: 0, rt60Seconds: [0.1, 0.6], wet: [0.1, 0.5] },
  // Cheap microphones and small loudspeakers lose the lows under 50-400 Hz and the highs over 3-7 kHz.
  bandLimit: { probability: 0, telephoneShare: 0.3, highPassHz: [50, 400], lowPassHz: [3000, 7000] },
  gain: { probability: 0, db: [-12, 12] },
  clip: { probability: 0, driveDb: [1, 12] },
  dcOffset: { probability: 0, offset: [-0.05, 0.05] },
});

/**
 * The default speech config plus every voice and channel stage, for engines the training voices do
 * not cover: an unheard synthesiser differs in pitch, speaking rate and spectral colour, and a real
 * device adds a room, a band-limited microphone and its own level. Stages fire independently: three
 * copies in four get a voice change (speed 0.5, pitch 0.5), about half a room or a narrower band
 * (0.3 each), half a level change and one in ten clipping; a quarter keep the voice and one in ten
 * everything but time shift and noise, so the clean voices stay well represented.
 * The DC offset stays off: the Kaldi fbank front end removes each frame's mean before the FFT
 * (remove_dc_offset), so an offset would change the cache key and not the features.
 */
export const VOICE_CHANNEL_AUGMENT_CONFIG: AugmentConfig = deepFreeze<AugmentConfig>({
  ...DEFAULT_AUGMENT_CONFIG,
  preset: 'voice-channel',
  speed: { ...WAVEFORM_STAGE_DEFAULTS.speed, probability: 0.5 },
  pitch: { ...WAVEFORM_STAGE_DEFAULTS.pitch, probability: 0.5 },
  reverb: { ...WAVEFORM_STAGE_DEFAULTS.reverb, probability: 0.3 },
  bandLimit: { ...WAVEFORM_STAGE_DEFAULTS.bandLimit, probability: 0.3 },
  gain: { ...WAVEFORM_STAGE_DEFAULTS.gain, probability: 0.5 },
  clip: { ...WAVEFORM_STAGE_DEFAULTS.clip, probability: 0.1 },
  dcOffset: { ...WAVEFORM_STAGE_DEFAULTS.dcOffset },
});

/** Where a frequency warp's unspecified fields come from: off, with Jaitly & Hinton's alpha range. */
export const FREQ_WARP_DEFAULTS: FreqWarpConfig = deepFreeze<FreqWarpConfig>({ probability: 0, factor: [0.9, 1.1] });

const PRESETS: Readonly<Record<AugmentConfig['preset'], AugmentConfig>> = Object.freeze({
  speech: DEFAULT_AUGMENT_CONFIG,
  none: NO_AUGMENT_CONFIG,
  'voice-channel': VOICE_CHANNEL_AUGMENT_CONFIG,
});

const TOP_LEVEL_FIELDS = ['preset', 'copies', 'timeShift', 'noise', 'specAugment', ...WAVEFORM_STAGES] as const;

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
 * `given` over the preset's SpecAugment, the frequency warp field by field. The warp appears only when
 * the preset has it or it is asked for, so configs that never mention it (and the hashes and cache
 * keys made from them) are what they were before it existed.
 */
function mergeSpecAugment(base: SpecAugmentConfig, given: SpecAugmentOverrides | undefined): SpecAugmentConfig {
  const merged: Record<string, unknown> = merge<Record<string, unknown>>({ ...base, freqWarp: base.freqWarp }, given, 'specAugment');
  const givenWarp = given?.freqWarp;
  if (givenWarp === undefined && base.freqWarp === undefined) {
    delete merged['freqWarp'];
  } else {
    merged['freqWarp'] = merge({ ...(base.freqWarp ?? FREQ_WARP_DEFAULTS) }, givenWarp, 'specAugment.freqWarp');
  }
  return merged as unknown as SpecAugmentConfig;
}

/**
 * Fill unspecified fields (nested ones too) from the preset `partial.preset` names (default
 * 'speech') and validate every field; errors name the field, the value and what was expected.
 *
 * @example resolveAugmentConfig({ copies: 1, noise: { snrDb: [0, 15] } })
 */
export function resolveAugmentConfig(partial: AugmentConfigOverrides = {}): AugmentConfig {
  if (partial.preset !== undefined && !Object.hasOwn(PRESETS, partial.preset)) fail('preset', "'speech', 'none' or 'voice-channel'", partial.preset);
  const base = PRESETS[partial.preset ?? 'speech'];
  const top = merge<Record<string, unknown>>(Object.fromEntries(TOP_LEVEL_FIELDS.map((k) => [k, base[k]])), partial, '');
  const c: Record<string, unknown> = {
    preset: base.preset,
    copies: top['copies'] as number,
    timeShift: merge({ ...base.timeShift }, partial.timeShift, 'timeShift'),
    noise: merge({ ...base.noise }, partial.noise, 'noise'),
    specAugment: mergeSpecAugment(base.specAugment, partial.specAugment),
  };
  // A waveform stage appears only when the preset has it or it is asked for, so configs that never
  // mention one (and the hashes and cache keys made from them) are what they were before it existed.
  for (const stage of WAVEFORM_STAGES) {
    if (partial[stage] === undefined && base[stage] === undefined) continue;
    c[stage] = merge({ ...(base[stage] ?? WAVEFORM_STAGE_DEFAULTS[stage]) }, partial[stage], stage);
  }
  const config = c as unknown as AugmentConfig;

  checkNumber('copies', config.copies, 0, 16, true);
  // Beyond half a second a 1 s clip's word is often pushed out entirely, and the label becomes a lie.
  checkNumber('timeShift.maxMs', config.timeShift.maxMs, 0, 500);
  checkNumber('noise.probability', config.noise.probability, 0, 1);
  checkRange('noise.snrDb', config.noise.snrDb, -20, 80);
  checkNumber('specAugment.timeMasks', config.specAugment.timeMasks, 0, 10, true);
  checkNumber('specAugment.maxTimeMaskFrames', config.specAugment.maxTimeMaskFrames, 0, 1000, true);
  checkNumber('specAugment.freqMasks', config.specAugment.freqMasks, 0, 10, true);
  checkNumber('specAugment.maxFreqMaskBins', config.specAugment.maxFreqMaskBins, 0, 128, true);
  if (config.specAugment.freqWarp !== undefined) {
    checkNumber('specAugment.freqWarp.probability', config.specAugment.freqWarp.probability, 0, 1);
    // ±30% spans real speakers (men's to children's formants differ by about 30%); a larger warp makes a voice no
    // vocal tract produces. The piecewise warp itself holds for any alpha > 0: its knee, 4800 Hz * min(alpha, 1) / alpha,
    // never exceeds 4800 Hz, so it is always below the 8 kHz Nyquist frequency.
    checkRange('specAugment.freqWarp.factor', config.specAugment.freqWarp.factor, 0.7, 1.3);
  }
  checkWaveformStages(config);
  return deepFreeze(structuredClone(config));
}

/** Bounds of the waveform stages: wide enough for any sensible experiment, narrow enough to keep the word a word. */
function checkWaveformStages(c: AugmentConfig): void {
  if (c.speed !== undefined) {
    checkNumber('speed.probability', c.speed.probability, 0, 1);
    // Beyond ±50% a one-second word no longer fits its clip or stops sounding like speech.
    checkRange('speed.factor', c.speed.factor, 0.5, 1.5);
  }
  if (c.pitch !== undefined) {
    checkNumber('pitch.probability', c.pitch.probability, 0, 1);
    checkRange('pitch.semitones', c.pitch.semitones, -12, 12);
  }
  if (c.reverb !== undefined) {
    checkNumber('reverb.probability', c.reverb.probability, 0, 1);
    // Up to 1.5 s (a hall) keeps the FFT convolution at 65536 points at most.
    checkRange('reverb.rt60Seconds', c.reverb.rt60Seconds, 0.01, 1.5);
    checkRange('reverb.wet', c.reverb.wet, 0, 1);
  }
  if (c.bandLimit !== undefined) {
    checkNumber('bandLimit.probability', c.bandLimit.probability, 0, 1);
    checkNumber('bandLimit.telephoneShare', c.bandLimit.telephoneShare, 0, 1);
    checkRange('bandLimit.highPassHz', c.bandLimit.highPassHz, 10, 1000);
    // The front end runs at 16 kHz: a low-pass must stay clear of the 8 kHz Nyquist frequency.
    checkRange('bandLimit.lowPassHz', c.bandLimit.lowPassHz, 1000, 7600);
  }
  if (c.gain !== undefined) {
    checkNumber('gain.probability', c.gain.probability, 0, 1);
    checkRange('gain.db', c.gain.db, -40, 40);
  }
  if (c.clip !== undefined) {
    checkNumber('clip.probability', c.clip.probability, 0, 1);
    checkRange('clip.driveDb', c.clip.driveDb, 0, 40);
  }
  if (c.dcOffset !== undefined) {
    checkNumber('dcOffset.probability', c.dcOffset.probability, 0, 1);
    checkRange('dcOffset.offset', c.dcOffset.offset, -0.5, 0.5);
  }
}
