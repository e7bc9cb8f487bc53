// Picks the first tfjs backend that loads, in priority order, keeping every failure reason.

import * as tf from '@tensorflow/tfjs';
import { WhittleError } from '@whittle/datasets';

/** A way to run tfjs: `load` throws when it is unavailable here (missing package, no native lib). */
export interface BackendCandidate {
  readonly name: string;
  /** Lower runs first. */
  readonly priority: number;
  load(): Promise<void>;
}

export interface SelectedBackend {
  readonly name: string;
  /** Candidates tried before the winner, with why each failed. */
  readonly failures: readonly { readonly name: string; readonly reason: string }[];
}

/** Try candidates by priority; the first that loads becomes tf's active backend. */
export async function selectBackend(candidates: readonly BackendCandidate[]): Promise<SelectedBackend> {
  const failures: { name: string; reason: string }[] = [];
  for (const candidate of [...candidates].sort((a, b) => a.priority - b.priority)) {
    try {
      await candidate.load();
      return { name: candidate.name, failures };
    } catch (err) {
      failures.push({ name: candidate.name, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  throw new WhittleError('BACKEND', `No tfjs backend could be loaded. Tried: ${failures.map((f) => `${f.name} (${f.reason})`).join('; ') || 'none'}`, {
    hint: 'reinstall with `npm ci`; @tensorflow/tfjs-backend-wasm ships with Whittle',
  });
}

/** Make `name` the active backend, failing loudly if tfjs silently fell back to another one. */
export async function activateBackend(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) throw new Error(`tf.setBackend('${name}') did not activate it (active: ${tf.getBackend()})`);
}
