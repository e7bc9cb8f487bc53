// Turns a Speech Commands folder into normalised feature sets per split, using the cached extractor.

import { basename, dirname } from 'node:path';
import {
  extractAugmentedFeatures,
  extractFeatures,
  noiseBankFromFolder,
  featureStatistics,
  KWS_LABELS,
  loadClip,
  normalizeFeatures,
  readSpeechCommands,
  type AugmentConfig,
  type FeatureNormalization,
  type FeatureSet,
  type FeatureSource,
  type FrontEndConfig,
  type Reporter,
  type SpeechCommandsEntry,
} from '@whittle/datasets';

export type SplitName = 'training' | 'validation' | 'testing';

/** Counts that describe a dataset in reports and manifests. */
export interface DatasetSummary {
  readonly dir: string;
  readonly clips: Readonly<Record<SplitName, number>>;
  readonly perLabel: Readonly<Record<SplitName, Readonly<Record<string, number>>>>;
  /** Distinct speakers per split (silence windows, cut from noise files, have none). */
  readonly speakers: Readonly<Record<SplitName, number>>;
}

/**
 * A clip's id is its path inside the dataset folder (`<word>/<file>`, plus `@<offset>` for silence windows), not the
 * path as given: ids seed each clip's augmentation draws and key the feature cache, so the same data read from
 * another folder must train the same model.
 */
export function clipId(entry: Pick<SpeechCommandsEntry, 'path' | 'offset'>): string {
  const inFolder = `${basename(dirname(entry.path))}/${basename(entry.path)}`;
  return entry.offset === undefined ? inFolder : `${inFolder}@${entry.offset}`;
}

function toSource(entry: SpeechCommandsEntry): FeatureSource {
  const id = clipId(entry);
  return entry.offset === undefined ? { id, path: entry.path, labelIndex: entry.labelIndex } : { id, path: entry.path, labelIndex: entry.labelIndex, offset: entry.offset };
}

/** Read the folder's clip index (lists or hash split; every clip is 'testing' with allClipsAsTest). */
export async function speechIndex(dir: string, options: { allClipsAsTest?: boolean; seed?: number } = {}): Promise<readonly SpeechCommandsEntry[]> {
  const index = await readSpeechCommands(dir, { allClipsAsTest: options.allClipsAsTest ?? false, seed: options.seed ?? 0 });
  return index.entries;
}

export function summarizeDataset(dir: string, entries: readonly SpeechCommandsEntry[]): DatasetSummary {
  const splits: SplitName[] = ['training', 'validation', 'testing'];
  const clips = Object.fromEntries(splits.map((s) => [s, entries.filter((e) => e.split === s).length])) as Record<SplitName, number>;
  const perLabel = Object.fromEntries(
    splits.map((s) => [s, Object.fromEntries(KWS_LABELS.map((l) => [l, entries.filter((e) => e.split === s && e.label === l).length]))]),
  ) as Record<SplitName, Record<string, number>>;
  const speakers = Object.fromEntries(splits.map((s) => [s, new Set(entries.filter((e) => e.split === s && e.offset === undefined).map((e) => e.speaker)).size])) as Record<SplitName, number>;
  return { dir, clips, perLabel, speakers };
}

/**
 * Raw features of one split, cached by content under `cacheDir`. Normalisation is applied by the
 * caller with statistics from the training split, the same ones the published model carries.
 */
export async function splitFeatures(
  entries: readonly SpeechCommandsEntry[],
  split: SplitName,
  frontEnd: FrontEndConfig,
  options: { cacheDir: string; reporter: Reporter; limit?: number },
): Promise<FeatureSet> {
  let chosen = entries.filter((e) => e.split === split);
  if (options.limit !== undefined) chosen = chosen.slice(0, options.limit);
  const load = (s: FeatureSource) => loadClip(s.path, { sampleRate: frontEnd.sampleRate, length: frontEnd.clipSamples, offset: s.offset ?? 0, resample: true });
  return extractFeatures(chosen.map(toSource), frontEnd, load, { cacheDir: options.cacheDir, reporter: options.reporter, stage: `features ${split}` });
}

/**
 * Raw features of `augment.copies` augmented copies of the training split (time shift, then background noise from
 * the folder's _background_noise_ at a random SNR), cached by content like the clean ones. Empty without copies.
 */
export async function augmentedTrainingViews(
  dataDir: string,
  entries: readonly SpeechCommandsEntry[],
  frontEnd: FrontEndConfig,
  augment: AugmentConfig,
  seed: number,
  options: { cacheDir: string; reporter: Reporter },
): Promise<FeatureSet[]> {
  if (augment.copies === 0) return [];
  const sources = entries.filter((e) => e.split === 'training').map(toSource);
  const bank = augment.noise.probability > 0 ? await noiseBankFromFolder(dataDir, { sampleRate: frontEnd.sampleRate }) : [];
  const load = (s: FeatureSource) => loadClip(s.path, { sampleRate: frontEnd.sampleRate, length: frontEnd.clipSamples, offset: s.offset ?? 0, resample: true });
  return [...(await extractAugmentedFeatures(sources, frontEnd, load, bank, augment, seed, { ...options, stage: 'augmented training copies' }))];
}

/** Row `i` of a split (in splitFeatures' order) as the waveform its features came from, for teachers that take audio. */
export function splitAudio(entries: readonly SpeechCommandsEntry[], split: SplitName, frontEnd: FrontEndConfig): (row: number) => Promise<Float32Array> {
  const chosen = entries.filter((e) => e.split === split);
  return async (row) => {
    const entry = chosen[row];
    if (entry === undefined) throw new RangeError(`row ${row} is outside the ${split} split (${chosen.length} clips)`);
    return loadClip(entry.path, { sampleRate: frontEnd.sampleRate, length: frontEnd.clipSamples, offset: entry.offset ?? 0, resample: true });
  };
}

/** Statistics from the training split's raw features. */
export function trainingNormalization(training: FeatureSet): FeatureNormalization {
  return featureStatistics(training.features);
}

/** A normalised copy of a raw feature set (the cache keeps raw values). */
export function normalized(set: FeatureSet, norm: FeatureNormalization): FeatureSet {
  return { ...set, features: normalizeFeatures(Float32Array.from(set.features), norm) };
}
