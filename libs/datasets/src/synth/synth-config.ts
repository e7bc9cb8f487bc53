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

/**
 * festival voices this generator knows, each with the Debian package that installs it. festival
 * is held out: no training preset uses it, and resolveSynthConfig() only accepts festival voices
 * when every speaker goes to the testing split.
 */
export const FESTIVAL_VOICE_PACKAGES: Readonly<Record<string, string>> = Object.freeze({
  // The speaker of flite's kal/kal16: same person, different engine.
  kal_diphone: 'festvox-kallpc16k',
  // A speaker no training engine has (the package is named kdl, the voice ked).
  ked_diphone: 'festvox-kdlpc16k',
  // The speaker of flite's slt, as an HTS (statistical parametric) voice.
  cmu_us_slt_arctic_hts: 'festvox-us-slt-hts',
});

/**
 * One festival "speaker" made from a voice. Diphone voices take both controls (Duration_Stretch,
 * and the mean and spread of the int_lr_params f0 targets); HTS voices take the duration one as
 * the engine's speech rate but have no pitch control in festival, so their pitch varies only with
 * `speed`, as flite's rms does.
 */
export interface FestivalVariant {
  /** Lowercase letters and digits; becomes part of the speaker id (`festival-kal_diphone-f0hi`). */
  readonly name: string;
  /** Factor on the voice's own f0 targets (1 = its own pitch). */
  readonly f0Shift: number;
  /** Factor on the voice's own Duration_Stretch (>1 slower). */
  readonly durationStretch: number;
  /** Playback speed factor applied in resampling (1 = none). */
  readonly speed: number;
}

/** Which split the generated speakers go to. */
export type SynthSplits = 'by-speaker' | 'all-testing';

export type SynthPreset = 'default' | 'tiny' | 'unseen-festival';

/** Clause endings espeak-ng intones differently: a question, an exclamation and a statement ('.', as no ending at all). */
export type EspeakEnding = '.' | '!' | '?';
export const ESPEAK_ENDINGS: readonly EspeakEnding[] = Object.freeze(['.', '!', '?']);

/**
 * Per-clip intonation for espeak-ng through SSML (`espeak-ng -m`): each clip says
 * `<speak><prosody range="+N%">word</prosody>E</speak>` with N and E drawn from these.
 */
export interface EspeakProsody {
  /**
   * Percent change of espeak-ng's pitch range (SSML `<prosody range>`), integers drawn uniformly, e.g. [-50, 100].
   * espeak-ng 1.51 scales its range setting of 50 and caps it at 99, so +98% and above sound the same, and it
   * moves in 2% steps (+96% and +97% are one setting).
   */
  readonly pitchRange: readonly [number, number];
  /** Endings drawn per clip, each from ESPEAK_ENDINGS; repeat one to weight it. */
  readonly endings: readonly EspeakEnding[];
}

export interface SynthConfig {
  /** Which preset the unspecified fields come from in resolveSynthConfig(). */
  readonly preset: SynthPreset;
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
  /**
   * Optional SSML intonation (pitch range and clause ending) drawn per clip. No preset sets it: when the key is
   * absent espeak-ng gets the plain word and the clip draws nothing more, so existing datasets keep their bytes.
   */
  readonly espeakProsody?: EspeakProsody;

  /** flite voices, from FLITE_VOICES; each is crossed with every flite variant. */
  readonly fliteVoices: readonly string[];
  readonly fliteVariants: readonly FliteVariant[];
  /** Per-clip relative jitter of the variant's duration stretch (0.1 = +-10%). */
  readonly fliteDurationJitter: number;
  /** Per-clip relative jitter of the variant's f0 shift. */
  readonly fliteF0Jitter: number;

  /** festival voices, keys of FESTIVAL_VOICE_PACKAGES; each is crossed with every festival variant. Held out only. */
  readonly festivalVoices: readonly string[];
  readonly festivalVariants: readonly FestivalVariant[];
  /** Per-clip relative jitter of the variant's duration stretch. */
  readonly festivalDurationJitter: number;
  /** Per-clip relative jitter of the variant's f0 shift. */
  readonly festivalF0Jitter: number;

  /** Clips of each target word per espeak-ng speaker. */
  readonly espeakClipsPerWord: number;
  /** Clips of each target word per flite speaker (fewer flite speakers exist, so more each). */
  readonly fliteClipsPerWord: number;
  /** Clips of each target word per festival speaker. */
  readonly festivalClipsPerWord: number;
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

  /**
   * 'by-speaker': whole speakers held out per engine by the two fractions below; 'all-testing':
   * every clip is a test clip (an evaluation-only set, such as an engine no model trains on).
   */
  readonly splits: SynthSplits;
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

const DEFAULT_FESTIVAL_VARIANTS: readonly FestivalVariant[] = [
  { name: 'base', f0Shift: 1, durationStretch: 1, speed: 1 },
  { name: 'f0hi', f0Shift: 1.2, durationStretch: 1, speed: 1.05 },
  { name: 'f0lo', f0Shift: 0.85, durationStretch: 1, speed: 0.95 },
  { name: 'fast', f0Shift: 1.05, durationStretch: 0.8, speed: 1 },
  { name: 'slow', f0Shift: 0.95, durationStretch: 1.25, speed: 1 },
];

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value as object)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * About 23,500 clips from 265 speakers (8 espeak-ng accents x 30 variants, 5 flite voices x 5
 * variants), 2,220 per target word, two thirds of them flite's.
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
  // Never in a training preset: festival is the engine no model hears (UNSEEN_FESTIVAL_SYNTH_CONFIG).
  festivalVoices: [],
  festivalVariants: DEFAULT_FESTIVAL_VARIANTS,
  festivalDurationJitter: 0.1,
  festivalF0Jitter: 0.06,
  espeakClipsPerWord: 3,
  // flite's voices are recordings of people, espeak-ng's are formant synthesis: on festival (the engine no model
  // trains on) 6, 18, 30 and 60 flite clips per word per speaker measured 82.5%, 83.2%, 84.2% and 87.3% (DS-CNN-S
  // from scratch; means of 3, 2, 3 and 3 seeds).
  fliteClipsPerWord: 60,
  festivalClipsPerWord: 6,
  unknownWords: DEFAULT_UNKNOWN_WORDS,
  unknownWordsPerSpeaker: 5,
  offsetRange: [0, 1],
  peakDb: [-18, -1],
  noiseKinds: NOISE_KINDS,
  snrDb: [5, 30],
  cleanFraction: 0.2,
  backgroundNoiseFiles: 6,
  backgroundNoiseSeconds: [20, 30],
  splits: 'by-speaker',
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

/**
 * The held-out evaluation set: festival only (3 voices x 5 variants), every clip in 'testing'. 30
 * clips of each target word per voice plus 10 unknown words per speaker: 1,050 clips. Its own seed,
 * so its prosody, placement and noise draws are not the training set's.
 *
 * Every field is spelled out rather than spread from DEFAULT_SYNTH_CONFIG: the set's cache key hashes the whole
 * config, so a change to the training sizes (fliteClipsPerWord went 6 -> 30) used to regenerate these byte-identical
 * clips. The espeak-ng and flite fields below make no clip here; they keep the values the cached set was made with.
 */
export const UNSEEN_FESTIVAL_SYNTH_CONFIG: SynthConfig = deepFreeze<SynthConfig>({
  preset: 'unseen-festival',
  seed: 5,
  espeakVoices: [],
  espeakVariants: [],
  espeakRate: [130, 220],
  espeakPitch: [25, 75],
  fliteVoices: [],
  fliteVariants: [],
  fliteDurationJitter: 0.1,
  fliteF0Jitter: 0.06,
  festivalVoices: ['kal_diphone', 'ked_diphone', 'cmu_us_slt_arctic_hts'],
  festivalVariants: DEFAULT_FESTIVAL_VARIANTS,
  festivalDurationJitter: 0.1,
  festivalF0Jitter: 0.06,
  espeakClipsPerWord: 3,
  fliteClipsPerWord: 30,
  festivalClipsPerWord: 6,
  unknownWords: DEFAULT_UNKNOWN_WORDS,
  unknownWordsPerSpeaker: 10,
  offsetRange: [0, 1],
  peakDb: [-18, -1],
  noiseKinds: NOISE_KINDS,
  snrDb: [5, 30],
  cleanFraction: 0.2,
  backgroundNoiseFiles: 5,
  backgroundNoiseSeconds: [20, 30],
  splits: 'all-testing',
  validationSpeakerFraction: 0,
  testingSpeakerFraction: 0,
  concurrency: 2,
});

const PRESETS: Readonly<Record<SynthPreset, SynthConfig>> = Object.freeze({
  default: DEFAULT_SYNTH_CONFIG,
  tiny: TINY_SYNTH_CONFIG,
  'unseen-festival': UNSEEN_FESTIVAL_SYNTH_CONFIG,
});

const WHERE = "passed to 'resolveSynthConfig'";

/** SynthConfig fields no preset sets; a config without them must hash as it did before they existed. */
const OPTIONAL_FIELDS: readonly (keyof SynthConfig)[] = ['espeakProsody'];

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

function checkEspeakProsody(v: unknown): void {
  const p = v as Partial<Record<string, unknown>>;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail('espeakProsody', '{ pitchRange: [min, max], endings: [...] }', v);
  const extra = Object.keys(p).find((k) => k !== 'pitchRange' && k !== 'endings');
  if (extra !== undefined) throw new ConfigError(`Unknown field 'espeakProsody.${extra}' ${WHERE}. Supported: pitchRange, endings`);
  // At -90% the contour is already flat (a few Hz); from +98% up espeak-ng 1.51 clips the range to one setting, so a
  // wider bound would only add draws that sound alike. 100 rather than 98 so [-50, 100] ("half to double") is valid.
  checkRange('espeakProsody.pitchRange', p.pitchRange, -90, 100, true);
  const endings = p.endings;
  if (!Array.isArray(endings) || endings.length === 0 || !endings.every((e) => ESPEAK_ENDINGS.includes(e as EspeakEnding))) {
    fail('espeakProsody.endings', `a non-empty list of ${ESPEAK_ENDINGS.map((e) => `'${e}'`).join(', ')}`, endings);
  }
}

/**
 * Fill unspecified fields from the preset named by `partial.preset` (default 'default') and
 * validate every field; errors name the field, the value and what was expected.
 *
 * @example resolveSynthConfig({ preset: 'tiny', seed: 7 })
 */
export function resolveSynthConfig(partial: Partial<SynthConfig> = {}): SynthConfig {
  if (partial.preset !== undefined && !Object.hasOwn(PRESETS, partial.preset)) fail('preset', `one of ${Object.keys(PRESETS).map((p) => `'${p}'`).join(', ')}`, partial.preset);
  const base = PRESETS[partial.preset ?? 'default'];
  // An explicit undefined means "not given", as it does for an absent key.
  const given = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const c: SynthConfig = { ...base, ...given };
  // Optional fields are absent from the presets but still known.
  const known = new Set([...Object.keys(DEFAULT_SYNTH_CONFIG), ...OPTIONAL_FIELDS]);
  const extra = Object.keys(c).find((k) => !known.has(k));
  if (extra !== undefined) throw new ConfigError(`Unknown field '${extra}' ${WHERE}. Supported: ${[...known].join(', ')}`);

  checkNumber('seed', c.seed, 0, 0xffffffff, true);
  checkNames('espeakVoices', c.espeakVoices, /^[a-z]{2,3}(-[a-z0-9]+)*$/i, true);
  checkNames('espeakVariants', c.espeakVariants, /^[a-z0-9]+$/i, c.espeakVoices.length === 0);
  checkRange('espeakRate', c.espeakRate, 80, 450, true);
  checkRange('espeakPitch', c.espeakPitch, 0, 99, true);
  if (c.espeakProsody !== undefined) checkEspeakProsody(c.espeakProsody);
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
  checkNames('festivalVoices', c.festivalVoices, /^[a-z0-9_]+$/, true);
  const badFestival = c.festivalVoices.find((v) => !Object.hasOwn(FESTIVAL_VOICE_PACKAGES, v));
  if (badFestival !== undefined) {
    throw new ConfigError(`Argument 'festivalVoices' ${WHERE} has unknown voice '${badFestival}'. Supported: ${Object.keys(FESTIVAL_VOICE_PACKAGES).join(', ')}`);
  }
  if (!Array.isArray(c.festivalVariants) || (c.festivalVoices.length > 0 && c.festivalVariants.length === 0)) fail('festivalVariants', 'a non-empty list of { name, f0Shift, durationStretch, speed }', c.festivalVariants);
  checkNames('festivalVariants[].name', c.festivalVariants.map((v) => v?.name), /^[a-z0-9]+$/, true);
  for (const [i, v] of c.festivalVariants.entries()) {
    checkNumber(`festivalVariants[${i}].f0Shift`, v.f0Shift, 0.5, 2);
    checkNumber(`festivalVariants[${i}].durationStretch`, v.durationStretch, 0.5, 2);
    checkNumber(`festivalVariants[${i}].speed`, v.speed, 0.8, 1.25);
  }
  checkNumber('festivalDurationJitter', c.festivalDurationJitter, 0, 0.5);
  checkNumber('festivalF0Jitter', c.festivalF0Jitter, 0, 0.5);
  if (c.espeakVoices.length * c.espeakVariants.length + c.fliteVoices.length * c.fliteVariants.length + c.festivalVoices.length * c.festivalVariants.length === 0) {
    fail('espeakVoices', 'non-empty, or fliteVoices or festivalVoices non-empty: at least one speaker is needed', c.espeakVoices);
  }
  checkNumber('espeakClipsPerWord', c.espeakClipsPerWord, 1, 1000, true);
  checkNumber('fliteClipsPerWord', c.fliteClipsPerWord, 1, 1000, true);
  checkNumber('festivalClipsPerWord', c.festivalClipsPerWord, 1, 1000, true);
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
  if (c.splits !== 'by-speaker' && c.splits !== 'all-testing') fail('splits', "'by-speaker' or 'all-testing'", c.splits);
  // festival is the engine kept for evaluation: it must never reach a training or validation split.
  if (c.festivalVoices.length > 0 && c.splits !== 'all-testing') {
    fail('splits', "'all-testing' when festivalVoices is non-empty (festival is held out for evaluation only)", c.splits);
  }
  checkNumber('validationSpeakerFraction', c.validationSpeakerFraction, 0, 0.4);
  checkNumber('testingSpeakerFraction', c.testingSpeakerFraction, 0, 0.4);
  checkNumber('concurrency', c.concurrency, 1, 64, true);
  return deepFreeze(structuredClone(c));
}
