// Features for a list of clips, computed once and cached on disk under a content hash.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { SILENT_REPORTER, type Reporter } from '../core/progress.ts';
import { FbankExtractor } from './fbank-extractor.ts';
import type { FeatureSet } from './feature-set.ts';
import type { FrontEndConfig } from './front-end-config.ts';
import { hashFeatureSources } from './hash-feature-sources.ts';

/** One clip to featurise: where it is, which window of it, and its class. */
export interface FeatureSource {
  readonly id: string;
  readonly path: string;
  readonly labelIndex: number;
  /** Start sample inside the file (silence windows cut from long noise files). */
  readonly offset?: number;
}

export interface ExtractFeaturesOptions {
  /** Directory for cached feature blocks; no caching when absent. */
  readonly cacheDir?: string;
  readonly reporter?: Reporter;
  /** Progress stage label. */
  readonly stage?: string;
}

/** Loads exactly `frontEnd.clipSamples` mono 16 kHz samples of a source. */
export type ClipLoader = (source: FeatureSource) => Promise<Float32Array>;

/**
 * Raw (unnormalised) log-mel features of every source, in order.
 * The cache key covers the front end, every file's bytes, offsets and labels, so any change recomputes.
 */
export async function extractFeatures(
  sources: readonly FeatureSource[],
  frontEnd: FrontEndConfig,
  loadClip: ClipLoader,
  options: ExtractFeaturesOptions = {},
): Promise<FeatureSet & { readonly cacheHit: boolean; readonly key: string }> {
  const reporter = options.reporter ?? SILENT_REPORTER;
  const stage = options.stage ?? 'features';
  const stride = frontEnd.frames * frontEnd.numMelBins;
  const labels = Int32Array.from(sources, (s) => s.labelIndex);
  const ids = sources.map((s) => s.id);

  const key = await cacheKey(sources, frontEnd);
  const cacheFile = options.cacheDir === undefined ? undefined : join(options.cacheDir, `${key}.f32`);
  if (cacheFile !== undefined) {
    const cached = await readFile(cacheFile).catch(() => undefined);
    if (cached !== undefined && cached.byteLength === sources.length * stride * 4) {
      const features = new Float32Array(cached.buffer.slice(cached.byteOffset, cached.byteOffset + cached.byteLength));
      reporter.info(`${stage}: ${sources.length} clips from cache (${key.slice(0, 12)})`);
      return { features, frames: frontEnd.frames, bins: frontEnd.numMelBins, count: sources.length, labels, ids, cacheHit: true, key };
    }
  }

  const extractor = new FbankExtractor(frontEnd);
  const features = new Float32Array(sources.length * stride);
  for (let i = 0; i < sources.length; i++) {
    const source = sources[i] as FeatureSource;
    const clip = await loadClip(source);
    features.set(await extractor.extract(clip), i * stride);
    if (i % 64 === 63 || i === sources.length - 1) reporter.progress({ stage, done: i + 1, total: sources.length });
  }
  if (cacheFile !== undefined) await writeFileAtomic(cacheFile, new Uint8Array(features.buffer));
  return { features, frames: frontEnd.frames, bins: frontEnd.numMelBins, count: sources.length, labels, ids, cacheHit: false, key };
}

async function cacheKey(sources: readonly FeatureSource[], frontEnd: FrontEndConfig): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ v: 1, frontEnd }));
  await hashFeatureSources(hash, sources);
  return hash.digest('hex');
}
