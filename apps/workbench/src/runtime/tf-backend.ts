// Chooses the tfjs backend for this process (tfjs-node, else wasm with our kernels, else cpu) once.

import { candidatesFor, selectBackend, type SelectedBackend } from '@whittle/distill';
import { ConfigError } from '@whittle/datasets';

export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_CHOICES: readonly BackendPreference[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

let selected: Promise<SelectedBackend> | undefined;

/** Select (once per process) the preferred backend; later calls return the same selection. */
export function useTfBackend(preference: string = process.env['WHITTLE_BACKEND'] ?? 'auto'): Promise<SelectedBackend> {
  if (!BACKEND_CHOICES.includes(preference as BackendPreference)) {
    throw new ConfigError(`Backend '${preference}' is not one of ${BACKEND_CHOICES.join(', ')}`);
  }
  selected ??= selectBackend(candidatesFor(preference as BackendPreference));
  return selected;
}
