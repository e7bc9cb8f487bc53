// Features of augmented copies of the training clips, computed once per copy and cached on disk.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { ConfigError } from '../core/errors.ts';
import { SILENT_REPORTER, type Reporter } from '../core/progress.ts';
import { SeededRandom } from '../core/random.ts';
import type { ClipLoader, FeatureSource } from '../features/extract-features.ts';
import { FbankExtractor } from '../features/fbank-extractor.ts';
import type { FeatureSet } from '../features/feature-set.ts';
import type { FrontEndConfig } from '../features/front-end-config.ts';
import { hashFeatureSources } from '../features/hash-feature-sources.ts';
import { resolveAugmentConfig, WAVEFORM_STAGES, type AugmentConfig } from './augment-config.ts';
import { augmentWaveform } from './augment-waveform.ts';
import type { NoiseBank } from './noise-bank.ts';

export interface ExtractAugmentedOptions {
  /** Directory for cached feature blocks, one file per copy; no caching when absent. */
  readonly cacheDir?: string;
  readonly reporter?: Reporter;
  /** Progress stage label. */
  readonly stage?: string;
}

/** One augmented copy: row i is an augmented sources[i], with its label and id. */
export interface AugmentedFeatureSet extends FeatureSet {
  /** Which copy, 0-based; copy k is the same whatever `copies` is, so raising it reuses the cache. */
  readonly copy: number;
  readonly cacheHit: boolean;
  readonly key: string;
}

/**
 * `config.copies` feature sets of raw (unnormalised) log-mel features, each row an augmented
 * (voice, time shift, room, channel, noise, level; see augmentWaveform) version of the same row of `sources`.
 * Row i of copy k draws from its own generator seeded by (seed, k, sources[i].id), so a row does not
 * depend on the other rows, on the order copies are computed in, or on how many copies are asked for.
 * Each copy is cached under a hash of the front end, the time shift and noise settings, the settings
 * of the waveform stages that can fire, the seed, the copy index, every source's id, label, offset
 * and file bytes, and the noise bank's samples; the SpecAugment settings are left out since masks
 * are applied later, to batches.
 *
 * @example const copies = await extractAugmentedFeatures(train, frontEnd, load, bank, config, 7, { cacheDir })
 */
export async function extractAugmentedFeatures(
  sources: readonly FeatureSource[],
  frontEnd: FrontEndConfig,
  loadClip: ClipLoader,
  noiseBank: NoiseBank,
  config: AugmentConfig,
  seed: number,
  options: ExtractAugmentedOptions = {},
): Promise<readonly AugmentedFeatureSet[]> {
  const resolved = resolveAugmentConfig(config);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new ConfigError(`Argument 'seed' passed to 'extractAugmentedFeatures' must be an integer in [0, 4294967295]; got ${JSON.stringify(seed)}`);
  }
  if (resolved.noise.probability > 0 && !noiseBank.some((clip) => clip.length > 0)) {
    throw new ConfigError(
      `Argument 'noiseBank' passed to 'extractAugmentedFeatures' must hold at least one non-empty clip when noise.probability is ${resolved.noise.probability}; got ${noiseBank.length} clips`,
      'load one with noiseBankFromFolder() or syntheticNoiseBank(), or set noise.probability to 0',
    );
  }
  const reporter = options.reporter ?? SILENT_REPORTER;
  const stage = options.stage ?? 'augmented features';
  const stride = frontEnd.frames * frontEnd.numMelBins;
  const labels = Int32Array.from(sources, (s) => s.labelIndex);
  const ids = sources.map((s) => s.id);
  const shape = { frames: frontEnd.frames, bins: frontEnd.numMelBins, count: sources.length, labels, ids };
  if (resolved.copies === 0) return [];

  const base = await baseKey(sources, frontEnd, resolved, seed, noiseBank);
  const copies = Array.from({ length: resolved.copies }, (_, copy) => ({
    copy,
    key: createHash('sha256').update(`${base}|copy ${copy}`).digest('hex'),
    features: undefined as Float32Array | undefined,
  }));
  for (const c of copies) {
    if (options.cacheDir === undefined) break;
    const cached = await readFile(join(options.cacheDir, `${c.key}.f32`)).catch(() => undefined);
    if (cached !== undefined && cached.byteLength === sources.length * stride * 4) {
      c.features = new Float32Array(cached.buffer.slice(cached.byteOffset, cached.byteOffset + cached.byteLength));
    }
  }
  const hits = new Set(copies.filter((c) => c.features !== undefined).map((c) => c.copy));
  const missing = copies.filter((c) => c.features === undefined);
  if (hits.size > 0) reporter.info(`${stage}: ${hits.size} of ${copies.length} copies of ${sources.length} clips from cache`);

  if (missing.length > 0) {
    const extractor = new FbankExtractor(frontEnd);
    for (const c of missing) c.features = new Float32Array(sources.length * stride);
    const total = sources.length * missing.length;
    // Rows outside, copies inside: each clip is loaded once however many copies are missing.
    for (let i = 0; i < sources.length; i++) {
      const source = sources[i] as FeatureSource;
      const clip = await loadClip(source);
      for (const c of missing) {
        const rng = new SeededRandom(rowSeed(seed, c.copy, source.id));
        const augmented = augmentWaveform(clip, noiseBank, resolved, frontEnd.sampleRate, rng);
        (c.features as Float32Array).set(await extractor.extract(augmented), i * stride);
      }
      if (i % 64 === 63 || i === sources.length - 1) reporter.progress({ stage, done: (i + 1) * missing.length, total });
    }
    if (options.cacheDir !== undefined) {
      for (const c of missing) await writeFileAtomic(join(options.cacheDir, `${c.key}.f32`), new Uint8Array((c.features as Float32Array).buffer));
    }
  }
  return copies.map((c) => ({ ...shape, features: c.features as Float32Array, copy: c.copy, cacheHit: hits.has(c.copy), key: c.key }));
}

/** 32-bit FNV-1a of the parts: a stable per-(copy, clip) seed. */
function rowSeed(seed: number, copy: number, id: string): number {
  let h = 0x811c9dc5;
  for (const ch of `${seed}\u0000${copy}\u0000${id}`) {
    h ^= ch.codePointAt(0) as number;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

async function baseKey(sources: readonly FeatureSource[], frontEnd: FrontEndConfig, config: AugmentConfig, seed: number, noiseBank: NoiseBank): Promise<string> {
  const hash = createHash('sha256');
  // Only the waveform stages that can fire join the key, and only when there are any, so a config
  // without them keys exactly as it did before they existed and its cached copies stay valid.
  const stages = Object.fromEntries(WAVEFORM_STAGES.flatMap((s) => (config[s] !== undefined && config[s].probability > 0 ? [[s, config[s]]] : [])));
  const waveform = Object.keys(stages).length > 0 ? { waveform: stages } : {};
  hash.update(JSON.stringify({ v: 1, frontEnd, timeShift: config.timeShift, noise: config.noise, seed, ...waveform }));
  await hashFeatureSources(hash, sources);
  // The bank matters only when noise is mixed; a different bank then means different copies.
  if (config.noise.probability > 0) {
    for (const clip of noiseBank) {
      hash.update(`\nnoise ${clip.length}|`);
      hash.update(new Uint8Array(clip.buffer, clip.byteOffset, clip.byteLength));
    }
  }
  return hash.digest('hex');
}
