// Stage 1: make sure a Speech Commands folder exists: generate the synthetic one unless it is up to date.

import { readFile, rm } from 'node:fs/promises';
import { DEFAULT_SYNTH_CONFIG, generateSyntheticSpeechCommands, resolveSynthConfig, TINY_SYNTH_CONFIG, UNSEEN_FESTIVAL_SYNTH_CONFIG, type Reporter, type SynthConfig } from '@whittle/datasets';
import type { KeywordSpotterConfig } from './keyword-spotter-config.ts';
import { configHash } from '../runtime/provenance.ts';

/** The synth config a preset asks for, with an optional seed override. */
export function synthConfigFor(config: KeywordSpotterConfig, seed?: number): SynthConfig {
  if (config.data.kind !== 'synthetic') throw new Error('synthConfigFor() needs a synthetic data source');
  const base = config.preset === 'tiny' ? TINY_SYNTH_CONFIG : DEFAULT_SYNTH_CONFIG;
  return resolveSynthConfig({ ...base, ...config.data.synth, ...(seed === undefined ? {} : { seed }) });
}

/**
 * The unseen-engine test set a preset asks for: festival voices no model trains on, every clip a test clip
 * (the tiny preset keeps one variant and 2 clips per word so smoke tests stay fast).
 */
export function unseenSynthConfigFor(config: KeywordSpotterConfig): SynthConfig {
  const tiny = config.preset === 'tiny' ? { festivalVariants: UNSEEN_FESTIVAL_SYNTH_CONFIG.festivalVariants.slice(0, 1), festivalClipsPerWord: 2, unknownWordsPerSpeaker: 3, backgroundNoiseFiles: 2 } : {};
  return resolveSynthConfig({ ...UNSEEN_FESTIVAL_SYNTH_CONFIG, ...tiny });
}

/** Generate into `outDir` unless it already holds a dataset made from the same config. */
export async function ensureSyntheticSpeech(outDir: string, synth: SynthConfig, reporter: Reporter): Promise<{ generated: boolean }> {
  const want = configHash(synth);
  const have = await readFile(`${outDir}/synth.json`, 'utf8')
    .then((text) => configHash((JSON.parse(text) as { config: unknown }).config))
    .catch(() => undefined);
  if (have === want) {
    reporter.info(`data: ${outDir} is up to date (synth config ${want})`);
    return { generated: false };
  }
  if (have !== undefined) reporter.info(`data: ${outDir} was made from another config; regenerating`);
  await rm(outDir, { recursive: true, force: true });
  const summary = await generateSyntheticSpeechCommands(synth, outDir, reporter);
  const words = Object.entries(summary.perLabel).filter(([label, n]) => !label.startsWith('_') && n > 0);
  reporter.info(
    `data: ${summary.clips} clips (${words.length} target words x ~${Math.round(words.reduce((a, [, n]) => a + n, 0) / Math.max(words.length, 1))}, ` +
      `${summary.perLabel['_unknown_'] ?? 0} _unknown_), speakers ${summary.speakers.training}/${summary.speakers.validation}/${summary.speakers.testing} ` +
      `(train/validation/test) from ${summary.engines.join(' + ')}, ${summary.backgroundNoise.files} noise files; details in ${outDir}/synth.json`,
  );
  return { generated: true };
}
