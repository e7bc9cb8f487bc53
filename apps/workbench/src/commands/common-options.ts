// Flags several commands share, declared once.

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
