// What the synthetic Speech Commands generator makes: voices, words, prosody, placement, noise, splits.

import { ConfigError } from '../core/errors.ts';
import { KWS_TARGET_WORDS } from '../speech-commands/labels.ts';

/** Noise mixed under clips and written as `_background_noise_` files. Hum is mains 50/60 Hz with harmonics. */
export type NoiseKind = 'white' | 'pink' | 'brown' | 'hum50' | 'hum60';
export const NOISE_KINDS: readonly NoiseKind[] = Object.freeze(['white', 'pink', 'brown', 'hum50', 'hum60']);

/** flite voices that synthesise arbitrary words (awb_time only knows how to say the time). */
export const FLITE_VOICES: readonly string[] = Object.freeze(['kal', 'kal16', 'awb', 'rms', 'slt']);

/**
 * One flite "speaker" made from a voice: flite's own f0 and duration controls, plus an optional
 * speed change applied afterwards (pitch, tempo and formants together, like tape speed), which is
 * also what varies voices that ignore f0_shift (rms).
 */
export interface FliteVariant {
  /** Lowercase letters and digits; becomes part of the speaker id (`flite-slt-f0hi`). */
  readonly name: string;
  /** flite `--setf f0_shift=` (1 = the voice's own pitch). */
  readonly f0Shift: number;
  /** flite `--setf duration_stretch=` (>1 slower). */
  readonly durationStretch: number;
  /** Playback speed factor applied in resampling (1 = none). */
  readonly speed: number;
}

export interface SynthConfig {
  /** Which preset the unspecified fields come from in resolveSynthConfig(). */
  readonly preset: 'default' | 'tiny';
  /** Every random choice (prosody, placement, noise, splits) derives from this: same seed, same bytes. */
  readonly seed: number;

  /** espeak-ng English voices (`espeak-ng --voices=en`); each is crossed with every variant. */
  readonly espeakVoices: readonly string[];
  /** espeak-ng voice variants (`espeak-ng --voices=variant`, file names such as m3, f2, klatt). */
  readonly espeakVariants: readonly string[];
  /** Speaking rate range, words per minute (espeak-ng -s), drawn per clip. */
  readonly espeakRate: readonly [number, number];
  /** Pitch range 0-99 (espeak-ng -p), drawn per clip. */
  readonly espeakPitch: readonly [number, number];

  /** flite voices, from FLITE_VOICES; each is crossed with every flite variant. */
  readonly fliteVoices: readonly string[];
  readonly fliteVariants: readonly FliteVariant[];
  /** Per-clip relative jitter of the variant's duration stretch (0.1 = +-10%). */
  readonly fliteDurationJitter: number;
  /** Per-clip relative jitter of the variant's f0 shift. */
  readonly fliteF0Jitter: number;

  /** Clips of each target word per espeak-ng speaker. */
  readonly espeakClipsPerWord: number;
  /** Clips of each target word per flite speaker (fewer flite speakers exist, so more each). */
  readonly fliteClipsPerWord: number;
  /** Words that become `_unknown_` (never one of the ten targets). */
  readonly unknownWords: readonly string[];
  /** Distinct unknown words each speaker says once. */
  readonly unknownWordsPerSpeaker: number;

  /** Where the word starts in the clip's free time, as a fraction: 0 at the start, 1 flush with the end. */
  readonly offsetRange: readonly [number, number];
  /** Peak level of the finished clip, dBFS, drawn per clip. */
  readonly peakDb: readonly [number, number];
  /** Kinds of noise mixed under noisy clips and written as background files. */
  readonly noiseKinds: readonly NoiseKind[];
  /** Speech-to-noise ratio range, dB, for noisy clips. */
  readonly snrDb: readonly [number, number];
  /** Fraction of clips left without added noise. */
  readonly cleanFraction: number;

  /** `_background_noise_` files to write (the `_silence_` class is cut from them). */
  readonly backgroundNoiseFiles: number;
  /** Length range of each background file, seconds. */
  readonly backgroundNoiseSeconds: readonly [number, number];

  /** Fraction of each engine's speakers held out for validation / testing (whole speakers). */
  readonly validationSpeakerFraction: number;
  readonly testingSpeakerFraction: number;
  /** Synthesiser processes run at once. */
  readonly concurrency: number;
}

/** Other English words, from the real dataset's auxiliary words plus common short words; no homophones of targets. */
export const DEFAULT_UNKNOWN_WORDS: readonly string[] = Object.freeze([
  'bed', 'bird', 'cat', 'dog', 'eight', 'five', 'four', 'happy', 'house', 'marvin', 'nine', 'one', 'seven', 'sheila', 'six',
  'three', 'tree', 'two', 'wow', 'zero', 'backward', 'forward', 'follow', 'learn', 'visual',
  'apple', 'water', 'music', 'light', 'open', 'close', 'start', 'play', 'hello', 'maybe', 'red', 'blue', 'green', 'table',
  'window', 'paper', 'money', 'river', 'summer', 'dinner', 'garden', 'yellow', 'pencil', 'rocket', 'number', 'little',
  'sister', 'doctor', 'baby', 'coffee', 'morning', 'nothing', 'bottle', 'kitchen', 'yesterday',
]);

const DEFAULT_FLITE_VARIANTS: readonly FliteVariant[] = [
  { name: 'base', f0Shift: 1, durationStretch: 1, speed: 1 },
  { name: 'f0hi', f0Shift: 1.2, durationStretch: 1, speed: 1.05 },
  { name: 'f0lo', f0Shift: 0.85, durationStretch: 1, speed: 0.95 },
  { name: 'fast', f0Shift: 1.05, durationStretch: 0.85, speed: 1 },
  { name: 'slow', f0Shift: 0.95, durationStretch: 1.2, speed: 1 },
];

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value as object)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * About 10,000 clips from 265 speakers (8 espeak-ng accents x 30 variants, 5 flite voices x 5
 * variants), ~870 per target word; measured 88 s to generate on a shared two-core machine.
 */
export const DEFAULT_SYNTH_CONFIG: SynthConfig = deepFreeze<SynthConfig>({
  preset: 'default',
  seed: 1,
  espeakVoices: ['en-gb', 'en-us', 'en-gb-x-rp', 'en-gb-scotland', 'en-029', 'en-gb-x-gbclan', 'en-gb-x-gbcwmd', 'en-us-nyc'],
  espeakVariants: [
    'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'f1', 'f2', 'f3', 'f4', 'f5', 'klatt', 'klatt2', 'klatt3', 'klatt4',
    'Andy', 'Annie', 'anika', 'belinda', 'benjamin', 'david', 'edward', 'linda', 'max', 'paul', 'steph', 'travis', 'victor',
  ],
  espeakRate: [130, 220],
  espeakPitch: [25, 75],
  fliteVoices: ['kal', 'kal16', 'awb', 'rms', 'slt'],
  fliteVariants: DEFAULT_FLITE_VARIANTS,
  fliteDurationJitter: 0.1,
  fliteF0Jitter: 0.06,
  espeakClipsPerWord: 3,
  fliteClipsPerWord: 6,
  unknownWords: DEFAULT_UNKNOWN_WORDS,
  unknownWordsPerSpeaker: 5,
  offsetRange: [0, 1],
  peakDb: [-18, -1],
  noiseKinds: NOISE_KINDS,
  snrDb: [5, 30],
  cleanFraction: 0.2,
  backgroundNoiseFiles: 6,
  backgroundNoiseSeconds: [20, 30],
  validationSpeakerFraction: 0.1,
  testingSpeakerFraction: 0.1,
  concurrency: 2,
});

/** ~21 clips per label from 7 speakers (4 espeak-ng, 3 flite): every split gets both engines in seconds. */
export const TINY_SYNTH_CONFIG: SynthConfig = deepFreeze<SynthConfig>({
  ...DEFAULT_SYNTH_CONFIG,
  preset: 'tiny',
  espeakVoices: ['en-us', 'en-gb-x-rp'],
  espeakVariants: ['m3', 'f2'],
  fliteVoices: ['kal16', 'slt', 'awb'],
  fliteVariants: [{ name: 'base', f0Shift: 1, durationStretch: 1, speed: 1 }],
  espeakClipsPerWord: 3,
  fliteClipsPerWord: 3,
  unknownWordsPerSpeaker: 3,
  backgroundNoiseFiles: 2,
  backgroundNoiseSeconds: [10, 12],
  // Two of four espeak speakers and two of three flite speakers held out: each split has both engines.
  validationSpeakerFraction: 0.25,
  testingSpeakerFraction: 0.25,
});

const WHERE = "passed to 'resolveSynthConfig'";

function fail(field: string, expected: string, got: unknown): never {
  throw new ConfigError(`Argument '${field}' ${WHERE} must be ${expected}; got ${JSON.stringify(got)}`);
}

function checkNumber(field: string, v: unknown, lo: number, hi: number, integer = false): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
    fail(field, `${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}]`, v);
  }
}

function checkRange(field: string, v: unknown, lo: number, hi: number, integer = false): void {
  const ok =
    Array.isArray(v) &&
    v.length === 2 &&
    v.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= lo && x <= hi && (!integer || Number.isInteger(x))) &&
    (v[0] as number) <= (v[1] as number);
  if (!ok) fail(field, `[min, max] with ${integer ? 'integers' : 'numbers'} in [${lo}, ${hi}] and min <= max`, v);
}

function checkNames(field: string, v: unknown, pattern: RegExp, allowEmpty: boolean): asserts v is readonly string[] {
  if (!Array.isArray(v) || (!allowEmpty && v.length === 0) || !v.every((x) => typeof x === 'string' && pattern.test(x))) {
    fail(field, `${allowEmpty ? 'a' : 'a non-empty'} list of names matching ${String(pattern)}`, v);
  }
  const lower = v.map((x: string) => x.toLowerCase());
  const dup = lower.find((x, i) => lower.indexOf(x) !== i);
  if (dup !== undefined) fail(field, 'a list without duplicates (compared case-insensitively)', v);
}

/**
 * Fill unspecified fields from the preset named by `partial.preset` (default 'default') and
 * validate every field; errors name the field, the value and what was expected.
 *
 * @example resolveSynthConfig({ preset: 'tiny', seed: 7 })
 */
export function resolveSynthConfig(partial: Partial<SynthConfig> = {}): SynthConfig {
  if (partial.preset !== undefined && partial.preset !== 'default' && partial.preset !== 'tiny') fail('preset', "'default' or 'tiny'", partial.preset);
  const base = partial.preset === 'tiny' ? TINY_SYNTH_CONFIG : DEFAULT_SYNTH_CONFIG;
  // An explicit undefined means "not given", as it does for an absent key.
  const given = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const c: SynthConfig = { ...base, ...given };
  const known = new Set(Object.keys(DEFAULT_SYNTH_CONFIG));
  const extra = Object.keys(c).find((k) => !known.has(k));
  if (extra !== undefined) throw new ConfigError(`Unknown field '${extra}' ${WHERE}. Supported: ${[...known].join(', ')}`);

  checkNumber('seed', c.seed, 0, 0xffffffff, true);
  checkNames('espeakVoices', c.espeakVoices, /^[a-z]{2,3}(-[a-z0-9]+)*$/i, true);
  checkNames('espeakVariants', c.espeakVariants, /^[a-z0-9]+$/i, c.espeakVoices.length === 0);
  checkRange('espeakRate', c.espeakRate, 80, 450, true);
  checkRange('espeakPitch', c.espeakPitch, 0, 99, true);
  checkNames('fliteVoices', c.fliteVoices, /^[a-z0-9_]+$/, true);
  const badVoice = c.fliteVoices.find((v) => !FLITE_VOICES.includes(v));
  if (badVoice !== undefined) {
    throw new ConfigError(`Argument 'fliteVoices' ${WHERE} has unknown voice '${badVoice}'. Supported: ${FLITE_VOICES.join(', ')} (awb_time is left out: it can only say the time)`);
  }
  if (!Array.isArray(c.fliteVariants) || (c.fliteVoices.length > 0 && c.fliteVariants.length === 0)) fail('fliteVariants', 'a non-empty list of { name, f0Shift, durationStretch, speed }', c.fliteVariants);
  checkNames('fliteVariants[].name', c.fliteVariants.map((v) => v?.name), /^[a-z0-9]+$/, true);
  for (const [i, v] of c.fliteVariants.entries()) {
    checkNumber(`fliteVariants[${i}].f0Shift`, v.f0Shift, 0.5, 2);
    checkNumber(`fliteVariants[${i}].durationStretch`, v.durationStretch, 0.5, 2);
    checkNumber(`fliteVariants[${i}].speed`, v.speed, 0.8, 1.25);
  }
  checkNumber('fliteDurationJitter', c.fliteDurationJitter, 0, 0.5);
  checkNumber('fliteF0Jitter', c.fliteF0Jitter, 0, 0.5);
  if (c.espeakVoices.length * c.espeakVariants.length + c.fliteVoices.length * c.fliteVariants.length === 0) {
    fail('espeakVoices', 'non-empty, or fliteVoices non-empty: at least one speaker is needed', c.espeakVoices);
  }
  checkNumber('espeakClipsPerWord', c.espeakClipsPerWord, 1, 1000, true);
  checkNumber('fliteClipsPerWord', c.fliteClipsPerWord, 1, 1000, true);
  checkNames('unknownWords', c.unknownWords, /^[a-z]+$/, true);
  const target = c.unknownWords.find((w) => KWS_TARGET_WORDS.includes(w));
  if (target !== undefined) fail('unknownWords', `a list without the target words (${KWS_TARGET_WORDS.join(', ')})`, target);
  checkNumber('unknownWordsPerSpeaker', c.unknownWordsPerSpeaker, 0, c.unknownWords.length, true);
  checkRange('offsetRange', c.offsetRange, 0, 1);
  checkRange('peakDb', c.peakDb, -60, 0);
  if (!Array.isArray(c.noiseKinds) || c.noiseKinds.length === 0 || !c.noiseKinds.every((k) => NOISE_KINDS.includes(k))) {
    fail('noiseKinds', `a non-empty list from ${NOISE_KINDS.join(', ')}`, c.noiseKinds);
  }
  checkRange('snrDb', c.snrDb, -20, 80);
  checkNumber('cleanFraction', c.cleanFraction, 0, 1);
  // The silence class needs noise files, and each split's 10% stretch of a file must hold a 1 s window.
  checkNumber('backgroundNoiseFiles', c.backgroundNoiseFiles, 1, 100, true);
  checkRange('backgroundNoiseSeconds', c.backgroundNoiseSeconds, 10, 600);
  checkNumber('validationSpeakerFraction', c.validationSpeakerFraction, 0, 0.4);
  checkNumber('testingSpeakerFraction', c.testingSpeakerFraction, 0, 0.4);
  checkNumber('concurrency', c.concurrency, 1, 64, true);
  return deepFreeze(structuredClone(c));
}
