// Guards training data against clips from engines kept for evaluation only (festival).

import { ConfigError, WhittleError } from '../core/errors.ts';
import type { SpeechCommandsEntry } from './read-speech-commands.ts';

/**
 * Throw if any training or validation entry was spoken by one of `engines`, read off its speaker id
 * (`<engine>-<voice>-<variant>`): a held-out engine must not shape the model, not even through
 * early stopping. Testing entries are fine. The error names the first offending clip (in entry
 * order) and how many there are.
 *
 * @example assertNoHeldOutEngine(index.entries, ['festival'])
 */
export function assertNoHeldOutEngine(entries: readonly Pick<SpeechCommandsEntry, 'path' | 'split' | 'speaker'>[], engines: readonly string[]): void {
  const bad = engines.find((e) => typeof e !== 'string' || !/^[a-z0-9]+$/.test(e));
  if (bad !== undefined) throw new ConfigError(`Argument 'engines' passed to 'assertNoHeldOutEngine' must be engine names matching /^[a-z0-9]+$/; got ${JSON.stringify(bad)}`);
  const heldOut = (e: Pick<SpeechCommandsEntry, 'split' | 'speaker'>) => e.split !== 'testing' && engines.some((engine) => e.speaker.startsWith(`${engine}-`));
  const offending = entries.filter(heldOut);
  const first = offending[0];
  if (first === undefined) return;
  const engine = engines.find((e) => first.speaker.startsWith(`${e}-`)) as string;
  const more = offending.length > 1 ? ` (${offending.length} such clips in all)` : '';
  throw new WhittleError(
    'INVALID_ARGUMENT',
    `Clip '${first.path}' (speaker '${first.speaker}') is in the '${first.split}' split but comes from '${engine}', an engine held out for evaluation only${more}`,
    { hint: `generate the training data without ${engine} voices; ${engine} clips belong in the unseen-engine test set` },
  );
}
