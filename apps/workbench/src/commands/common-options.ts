// Flags several commands share, declared once.

import { DEFAULT_AUGMENT_CONFIG, NO_AUGMENT_CONFIG } from '@whittle/datasets';
import { DEFAULT_DISTILLATION_LOSS, resolveTrainingLoss } from '@whittle/distill';
import type { KeywordSpotterConfig } from '../pipeline/keyword-spotter-config.ts';
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

export const QUIET_OPTION = { kind: 'boolean', description: 'no progress output on stderr' } as const;

/** The seed from --seed, else WHITTLE_SEED, else undefined (the preset's). */
export function seedFrom(flag: number | undefined): number | undefined {
  if (flag !== undefined) return flag;
  const env = process.env['WHITTLE_SEED'];
  return env === undefined || env === '' ? undefined : Number(env);
}

// The defaults the help text names are the loss's own, so they cannot drift from it.
const DEFAULT_KD = DEFAULT_DISTILLATION_LOSS as Extract<typeof DEFAULT_DISTILLATION_LOSS, { kind: 'distillation' }>;

export const TEACHER_OPTIONS = {
  teacher: {
    kind: 'string',
    description:
      "distillation teacher: a zoo model the job trains first (default: the preset's, ds-cnn-m), a local .onnx classifier, a transformers.js model folder (offline), or none",
  },
  'teacher-epochs': { kind: 'number', description: "epochs for a zoo teacher (default: the preset's)", integer: true },
  alpha: { kind: 'number', description: `weight of the teacher term in α·T²·KL + (1−α)·CE (default ${DEFAULT_KD.alpha})` },
  temperature: { kind: 'number', description: `softmax temperature T of the teacher term (default ${DEFAULT_KD.temperature})` },
  augment: { kind: 'string', description: 'training augmentation: speech (time shift, noise copies, SpecAugment) or none', choices: ['speech', 'none'] },
} as const;

/** The preset with --teacher, --teacher-epochs, --alpha, --temperature and --augment applied (each validated). */
export function withDistillFlags(
  config: KeywordSpotterConfig,
  o: { teacher?: string | undefined; 'teacher-epochs'?: number | undefined; alpha?: number | undefined; temperature?: number | undefined; augment?: string | undefined },
): KeywordSpotterConfig {
  const presetTeacher = config.distill.teacher;
  const zooEpochs = o['teacher-epochs'] ?? (presetTeacher.kind === 'zoo' ? presetTeacher.epochs : 8);
  const teacher =
    o.teacher !== undefined ? teacherChoiceFrom(o.teacher, zooEpochs) : presetTeacher.kind === 'zoo' ? { ...presetTeacher, epochs: zooEpochs } : presetTeacher;
  const base = config.distill.loss.kind === 'distillation' ? config.distill.loss : DEFAULT_KD;
  const loss = resolveTrainingLoss({ kind: 'distillation', alpha: o.alpha ?? base.alpha, temperature: o.temperature ?? base.temperature });
  const augment = o.augment === undefined ? config.augment : o.augment === 'none' ? NO_AUGMENT_CONFIG : DEFAULT_AUGMENT_CONFIG;
  return { ...config, augment, distill: { teacher, loss } };
}
