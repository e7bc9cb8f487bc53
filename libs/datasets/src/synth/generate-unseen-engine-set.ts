// One call for the held-out evaluation set: festival voices no model trains on, every clip a test clip.

import type { Reporter } from '../core/progress.ts';
import { generateSyntheticSpeechCommands, type GenerateSynthOptions, type SynthSummary } from './generate-synthetic-speech-commands.ts';
import { resolveSynthConfig, type SynthConfig } from './synth-config.ts';

export interface UnseenEngineSetOptions extends GenerateSynthOptions {
  /** Seed of every draw (prosody, placement, noise); default UNSEEN_FESTIVAL_SYNTH_CONFIG.seed. */
  readonly seed?: number;
  /** Fields replacing the 'unseen-festival' preset's, e.g. fewer clips for a quick run. */
  readonly overrides?: Partial<Omit<SynthConfig, 'preset' | 'seed'>>;
}

/**
 * Write the unseen-engine set at `outDir`: a Speech Commands folder from the 'unseen-festival'
 * preset (3 festival voices x 5 variants, 1,050 clips) whose testing_list.txt lists every clip, so
 * `readSpeechCommands(outDir)` puts them all in 'testing'. Atomic like the generator it wraps; fails
 * with MISSING_TOOL naming the apt package when festival or a voice is not installed.
 *
 * @example await generateUnseenEngineSet('.cache/unseen-festival', reporter, { seed: 5 })
 */
export async function generateUnseenEngineSet(outDir: string, reporter: Reporter, options: UnseenEngineSetOptions = {}): Promise<SynthSummary> {
  const { seed, overrides, ...generate } = options;
  // Resolving here (not only in the generator) rejects overrides that would put festival in training.
  const config = resolveSynthConfig({ ...overrides, preset: 'unseen-festival', ...(seed === undefined ? {} : { seed }) });
  return generateSyntheticSpeechCommands(config, outDir, reporter, generate);
}
