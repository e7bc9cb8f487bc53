// Flags several commands share, declared once.

import { ConfigError, DEFAULT_AUGMENT_CONFIG, FREQ_WARP_DEFAULTS, NO_AUGMENT_CONFIG, resolveAugmentConfig } from '@whittle/datasets';
import { DEFAULT_DISTILLATION_LOSS, NO_MIXUP, resolveTrainConfig, resolveTrainingLoss, TRAIN_KEEP_CHOICES, type TrainKeep } from '@whittle/distill';
import { DEFAULT_CALIBRATION_CONFIGS, DEFAULT_QAT_CONFIG, resolveQatConfig, resolveStaticQuantizeConfig, type CalibrationMethod } from '@whittle/quantize';
import { CALIBRATION_DATA, type CalibrationData } from '../pipeline/calibration-rows.ts';
import type { KeywordSpotterConfig } from '../pipeline/keyword-spotter-config.ts';
import { checkQuantizeSettings, DEFAULT_QUANTIZE_SETTINGS, type QuantizeSettings } from '../pipeline/quantize-settings.ts';
import { teacherChoiceFrom } from '../pipeline/teacher-choice.ts';
import { BACKEND_CHOICES } from '../runtime/tf-backend.ts';

export const DEFAULT_WORK_DIR = '.cache/keyword-spotter';

export const PRESET_OPTION = {
  kind: 'string',
  description: 'configuration preset (tiny: a few speakers and epochs, for smoke tests); env WHITTLE_PRESET',
  default: process.env['WHITTLE_PRESET'] ?? 'default',
  choices: ['default', 'tiny'],
} as const;

export const BACKEND_OPTION = {
  kind: 'string',
  description: 'tfjs backend: auto tries tensorflow (tfjs-node), then wasm, then cpu; env WHITTLE_BACKEND',
  default: process.env['WHITTLE_BACKEND'] ?? 'auto',
  choices: BACKEND_CHOICES,
} as const;

export const SEED_OPTION = { kind: 'number', description: 'random seed for data, initialisation and shuffling; env WHITTLE_SEED', integer: true } as const;

export const RESUME_OPTION = {
  kind: 'boolean',
  description: 'continue the unfinished training from its last checkpoint in <run>/checkpoints/<role>/ (same config and data required); finished roles are reused anyway',
} as const;

export const UNSEEN_OPTION = {
  kind: 'string',
  description: 'the unseen-engine test set (festival voices no model trains on; `whittle generate unseen` makes it); "none" skips it',
  default: `${DEFAULT_WORK_DIR}/unseen-festival`,
} as const;

export const REAL_SPEECH_OPTION = {
  kind: 'string',
  description: 'tiny labelled set of real human speech whose per-clip predictions the report lists; "none" skips it',
  default: 'data/real-speech',
} as const;

/** A folder flag (--unseen, --real-speech), or undefined for "none". */
export function unseenDirFrom(flag: string | undefined): string | undefined {
  return flag === undefined || flag === 'none' ? undefined : flag;
}

export const QUIET_OPTION = { kind: 'boolean', description: 'no progress output on stderr' } as const;

/** The seed from --seed, else WHITTLE_SEED, else undefined (the preset's). */
export function seedFrom(flag: number | undefined): number | undefined {
  if (flag !== undefined) return flag;
  const env = process.env['WHITTLE_SEED'];
  return env === undefined || env === '' ? undefined : Number(env);
}

// The defaults the help text names are the loss's own, so they cannot drift from it.
const DEFAULT_KD = DEFAULT_DISTILLATION_LOSS as Extract<typeof DEFAULT_DISTILLATION_LOSS, { kind: 'distillation' }>;

/** Where the distillation teacher comes from and how strongly the student imitates it. */
export const TEACHER_OPTIONS = {
  teacher: {
    kind: 'string',
    description:
      "distillation teacher: a zoo model the job trains first (default: the preset's, ds-cnn-m), 'ensemble:<zoo model>:<seed>,<seed>,...' (that model trained once per seed, probabilities averaged; a member with the student's model, epochs and seed is the scratch student), a local .onnx classifier, a transformers.js model folder (offline), or none",
  },
  'teacher-epochs': { kind: 'number', description: "epochs for a zoo teacher or each ensemble member (default: the preset's)", integer: true },
  alpha: { kind: 'number', description: `weight of the teacher term in α·T²·KL + (1−α)·CE (default ${DEFAULT_KD.alpha})` },
  temperature: { kind: 'number', description: `softmax temperature T of the teacher term (default ${DEFAULT_KD.temperature})` },
} as const;

/** The student's training recipe: augmentation, regularisers, and which engines it is also trained without. */
export const RECIPE_OPTIONS = {
  augment: {
    kind: 'string',
    description: "training augmentation: speech (the preset's: time shift, noise copies, SpecAugment), voice-channel (speech plus speed, pitch, reverb, band-limit, gain and clipping) or none",
    choices: ['speech', 'voice-channel', 'none'],
  },
  'leave-one-out': { kind: 'string', description: "engines the student's recipe is also trained without, comma-separated (default: the preset's, espeak,flite), or none" },
  'label-smoothing': {
    kind: 'number',
    description: "label smoothing ε in [0, 1) for the students: cross-entropy targets become (1−ε)·onehot + ε/K (the teacher term is left alone; a zoo teacher keeps hard targets); default: the preset's, 0",
  },
  mixup: {
    kind: 'number',
    description: "probability in [0, 1] that a student's batch is mixed (Zhang et al. 2018: pairs of clips and their targets blended with λ ~ Beta(α, α)); default: the preset's, 0",
  },
  'mixup-alpha': { kind: 'number', description: `α of mixup's Beta(α, α) weight (default ${NO_MIXUP.alpha}: most mixes stay close to one clip)` },
  'freq-warp': {
    kind: 'number',
    description: `probability in [0, 1] that a training row's frequency axis is warped (VTLP, factor uniform in ${FREQ_WARP_DEFAULTS.factor.join('-')}), a new draw every batch; default: the preset's, 0`,
  },
  keep: {
    kind: 'string',
    description:
      "which epoch each model ends with: best-validation (the best validation accuracy, with early stopping) or last-epoch (every epoch runs, the last is kept: the end of the cosine schedule); default: the preset's",
    choices: [...TRAIN_KEEP_CHOICES],
  },
  'weight-average': {
    kind: 'number',
    description: "decay in [0, 1) of a moving average of every model's weights, updated each step; validation, the best epoch and the saved model use the average (0.999: about the last thousand steps); default: the preset's, 0 (off)",
  },
} as const;

/** A flag's number, checked against [min, max] (or [min, max) with `openMax`), with an error that names the flag. */
function flagNumber(flag: string, value: number | undefined, min: number, max: number, openMax = false): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value < min || (openMax ? value >= max : value > max)) {
    throw new ConfigError(`Flag '--${flag}' takes a number in [${min}, ${max}${openMax ? ')' : ']'}; got ${value}`);
  }
  return value;
}

/** The preset with the TEACHER_OPTIONS and RECIPE_OPTIONS flags applied (each validated, errors naming the flag). */
export function withTrainingFlags(
  config: KeywordSpotterConfig,
  o: {
    teacher?: string | undefined;
    'teacher-epochs'?: number | undefined;
    alpha?: number | undefined;
    temperature?: number | undefined;
    augment?: string | undefined;
    'leave-one-out'?: string | undefined;
    'label-smoothing'?: number | undefined;
    mixup?: number | undefined;
    'mixup-alpha'?: number | undefined;
    'freq-warp'?: number | undefined;
    'weight-average'?: number | undefined;
    keep?: string | undefined;
  },
): KeywordSpotterConfig {
  const presetTeacher = config.distill.teacher;
  const zooEpochs = o['teacher-epochs'] ?? (presetTeacher.kind === 'zoo' || presetTeacher.kind === 'ensemble' ? presetTeacher.epochs : 8);
  const teacher =
    o.teacher !== undefined
      ? teacherChoiceFrom(o.teacher, zooEpochs)
      : presetTeacher.kind === 'zoo' || presetTeacher.kind === 'ensemble'
        ? { ...presetTeacher, epochs: zooEpochs }
        : presetTeacher;
  const base = config.distill.loss.kind === 'distillation' ? config.distill.loss : DEFAULT_KD;
  const loss = resolveTrainingLoss({ kind: 'distillation', alpha: o.alpha ?? base.alpha, temperature: o.temperature ?? base.temperature });
  // 'speech' is the preset's own speech augmentation (its SpecAugment is sized for its front end); 'voice-channel' adds
  // speed, pitch, reverb, band-limit, gain and clipping to it; 'none' turns everything off.
  const speech = config.augment.preset === 'speech' ? config.augment : DEFAULT_AUGMENT_CONFIG;
  const augment =
    o.augment === undefined
      ? config.augment
      : o.augment === 'none'
        ? NO_AUGMENT_CONFIG
        : o.augment === 'speech'
          ? speech
          : resolveAugmentConfig({ preset: 'voice-channel', copies: speech.copies, specAugment: speech.specAugment });
  const lo = o['leave-one-out'];
  const leaveOneEngineOut = lo === undefined ? config.generalization.leaveOneEngineOut : lo === 'none' ? [] : lo.split(',').map((e) => e.trim());
  for (const e of leaveOneEngineOut) {
    if (e !== 'espeak' && e !== 'flite') throw new ConfigError(`Flag '--leave-one-out' takes espeak, flite or none; got '${e}'`);
  }
  const labelSmoothing = flagNumber('label-smoothing', o['label-smoothing'], 0, 1, true);
  const mixup = flagNumber('mixup', o.mixup, 0, 1);
  const mixupAlpha = flagNumber('mixup-alpha', o['mixup-alpha'], 0.01, 10);
  const warp = flagNumber('freq-warp', o['freq-warp'], 0, 1);
  const weightAverageDecay = flagNumber('weight-average', o['weight-average'], 0, 1, true);
  // --freq-warp 0 is "off": no warp entry at all, so the config (and every cache key) is the one without the flag.
  const { freqWarp: _off, ...unwarped } = augment.specAugment;
  const warped =
    warp === undefined
      ? augment
      : { ...augment, specAugment: warp === 0 ? unwarped : resolveAugmentConfig({ specAugment: { ...augment.specAugment, freqWarp: { ...(augment.specAugment.freqWarp ?? FREQ_WARP_DEFAULTS), probability: warp } } }).specAugment };
  const train = resolveTrainConfig({
    ...config.train,
    ...(labelSmoothing === undefined ? {} : { labelSmoothing }),
    ...(weightAverageDecay === undefined ? {} : { weightAverageDecay }),
    ...(o.keep === undefined ? {} : { keep: o.keep as TrainKeep }),
    ...(mixup === undefined && mixupAlpha === undefined ? {} : { mixup: { probability: mixup ?? config.train.mixup.probability, alpha: mixupAlpha ?? config.train.mixup.alpha } }),
  });
  return { ...config, augment: warped, train, distill: { teacher, loss }, generalization: { ...config.generalization, leaveOneEngineOut } };
}

export const QUANTIZE_OPTIONS = {
  'max-drop': {
    kind: 'string',
    description: `validation-accuracy points the published int8 may lose; beyond it the most damaging layers stay float, one at a time ("none": only report the drop; default ${DEFAULT_QUANTIZE_SETTINGS.maxDrop})`,
  },
  calibration: { kind: 'string', description: `activation-range calibration of the published int8 (default ${DEFAULT_QUANTIZE_SETTINGS.int8.calibration.method})`, choices: ['minmax', 'percentile', 'entropy'] },
  percentile: { kind: 'number', description: `kept share of values for --calibration percentile, in percent (default ${DEFAULT_CALIBRATION_CONFIGS.percentile.percentile})` },
  'calibration-samples': { kind: 'number', description: `training clips to calibrate on (default ${DEFAULT_QUANTIZE_SETTINGS.int8.calibration.samples})`, integer: true },
  'calibration-data': {
    kind: 'string',
    description: `which versions of those clips the published int8 calibrates on: training (clean) or training-augmented (each clip clean or one of its augmented training copies, seeded) (default ${DEFAULT_QUANTIZE_SETTINGS.calibrationData})`,
    choices: CALIBRATION_DATA,
  },
  weights: { kind: 'string', description: `int8 weight scales: one per output channel or one per tensor (default ${DEFAULT_QUANTIZE_SETTINGS.int8.weights.granularity})`, choices: ['per-channel', 'per-tensor'] },
  activations: { kind: 'string', description: `int8 activation type (default ${DEFAULT_QUANTIZE_SETTINGS.int8.activations.type})`, choices: ['int8', 'uint8'] },
  'symmetric-activations': { kind: 'boolean', description: 'zero-centred activation ranges (default asymmetric: all 256 levels on [min, max])' },
  'qat-epochs': { kind: 'number', description: `epochs of quantization-aware fine-tuning for the int8-qat variant; 0 skips it (default ${DEFAULT_QUANTIZE_SETTINGS.qat?.epochs ?? 0})`, integer: true },
} as const;

/** Quantize settings with --max-drop, --calibration, --percentile, --calibration-samples, --calibration-data, --weights, --activations, --symmetric-activations and --qat-epochs applied. */
export function withQuantizeFlags(
  settings: QuantizeSettings,
  o: {
    'max-drop'?: string | undefined;
    calibration?: string | undefined;
    percentile?: number | undefined;
    'calibration-samples'?: number | undefined;
    'calibration-data'?: string | undefined;
    weights?: string | undefined;
    activations?: string | undefined;
    'symmetric-activations'?: boolean | undefined;
    'qat-epochs'?: number | undefined;
  },
): QuantizeSettings {
  const current = settings.int8.calibration;
  const method = (o.calibration ?? current.method) as CalibrationMethod;
  const calibration = {
    ...(method === current.method ? current : DEFAULT_CALIBRATION_CONFIGS[method]),
    samples: o['calibration-samples'] ?? current.samples,
    ...(o.percentile === undefined ? {} : { percentile: o.percentile }),
  };
  if (o.percentile !== undefined && method !== 'percentile') throw new ConfigError(`Flag '--percentile' needs '--calibration percentile'; got --calibration ${method}`);
  const int8 = resolveStaticQuantizeConfig({
    weights: { ...settings.int8.weights, ...(o.weights === undefined ? {} : { granularity: o.weights as 'per-channel' | 'per-tensor' }) },
    activations: { ...settings.int8.activations, ...(o.activations === undefined ? {} : { type: o.activations as 'int8' | 'uint8' }), ...(o['symmetric-activations'] === true ? { symmetric: true } : {}) },
    calibration,
  });
  let maxDrop = settings.maxDrop;
  if (o['max-drop'] !== undefined) {
    maxDrop = o['max-drop'] === 'none' ? null : Number(o['max-drop']);
    if (maxDrop !== null && !(Number.isFinite(maxDrop) && maxDrop >= 0)) throw new ConfigError(`Flag '--max-drop' must be a number of accuracy points >= 0 or "none"; got '${o['max-drop']}'`);
  }
  const data = o['calibration-data'];
  if (data !== undefined && !CALIBRATION_DATA.includes(data as CalibrationData)) throw new ConfigError(`Flag '--calibration-data' must be one of ${CALIBRATION_DATA.join(', ')}; got '${data}'`);
  const calibrationData = (data ?? settings.calibrationData) as CalibrationData;
  const epochs = o['qat-epochs'];
  if (epochs !== undefined && (!Number.isInteger(epochs) || epochs < 0)) throw new ConfigError(`Flag '--qat-epochs' must be an integer >= 0; got ${epochs}`);
  // QAT always fine-tunes towards the published int8 recipe, so its recorded config names that recipe.
  const base = settings.qat ?? DEFAULT_QAT_CONFIG;
  const qat = epochs === 0 || (epochs === undefined && settings.qat === null) ? null : resolveQatConfig({ ...base, epochs: epochs ?? base.epochs, quantize: int8 });
  return checkQuantizeSettings({ ...settings, int8, calibrationData, maxDrop, qat });
}
