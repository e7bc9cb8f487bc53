// Our features must be exactly what transformers.js computes for an app, normalisation included.
import { ASTFeatureExtractor } from '@huggingface/transformers';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractFeatures, type FeatureSource } from './extract-features.ts';
import { FbankExtractor, featureStatistics, normalizeFeatures, preprocessorConfigFor } from './fbank-extractor.ts';
import { DEFAULT_FRONT_END_CONFIG, resolveFrontEndConfig } from './front-end-config.ts';
import { SeededRandom } from '../core/random.ts';

function chirp(seed: number): Float32Array {
  const rng = new SeededRandom(seed);
  const f0 = rng.uniform(200, 900);
  return Float32Array.from({ length: 16000 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * (f0 + i * 0.02) * i) / 16000) + 0.01 * rng.normal());
}

describe('FbankExtractor', () => {
  it('yields frames x bins values that change with the signal', async () => {
    const fe = new FbankExtractor(DEFAULT_FRONT_END_CONFIG);
    const a = await fe.extract(chirp(1));
    const b = await fe.extract(chirp(2));
    expect(a.length).toBe(98 * 40);
    expect(a.every(Number.isFinite)).toBe(true);
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    expect(diff).toBeGreaterThan(0.5);
  });

  it('normalised like the published preprocessor_config, bit for bit', async () => {
    const clip = chirp(3);
    const raw = await new FbankExtractor(DEFAULT_FRONT_END_CONFIG).extract(clip);
    const norm = featureStatistics(raw);
    const ours = normalizeFeatures(Float32Array.from(raw), norm);
    const app = new ASTFeatureExtractor(preprocessorConfigFor(DEFAULT_FRONT_END_CONFIG, norm));
    const theirs = (await app(clip)).input_values;
    expect(theirs.dims).toEqual([1, 98, 40]);
    expect(Array.from(ours)).toEqual(Array.from(theirs.data as Float32Array));
  });

  it('featureStatistics computes mean and population std', () => {
    expect(featureStatistics(Float32Array.from([1, 2, 3, 4]))).toEqual({ mean: 2.5, std: Math.sqrt(1.25) });
  });

  it('rejects a frame count that does not follow from the clip length', () => {
    expect(() => resolveFrontEndConfig({ frames: 49 })).toThrow(/'frames' .* must be 98 for clipSamples=16000; got 49/);
    expect(() => resolveFrontEndConfig({ numMelBins: 4 })).toThrow(/numMelBins/);
  });
});

describe('extractFeatures', () => {
  it('caches by content and recomputes when a file changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'whittle-features-'));
    const sources: FeatureSource[] = [0, 1, 2].map((i) => ({ id: `c${i}`, path: join(dir, `c${i}.bin`), labelIndex: i }));
    const clips = new Map<string, Float32Array>();
    for (const [i, s] of sources.entries()) {
      clips.set(s.path, chirp(10 + i));
      await writeFile(s.path, String(i));
    }
    const load = async (s: FeatureSource) => clips.get(s.path) as Float32Array;
    const first = await extractFeatures(sources, DEFAULT_FRONT_END_CONFIG, load, { cacheDir: dir });
    const second = await extractFeatures(sources, DEFAULT_FRONT_END_CONFIG, load, { cacheDir: dir });
    expect(first.cacheHit).toBe(false);
    expect(second.cacheHit).toBe(true);
    expect(Array.from(second.features)).toEqual(Array.from(first.features));
    expect(Array.from(second.labels)).toEqual([0, 1, 2]);
    await writeFile(sources[1]!.path, 'changed');
    const third = await extractFeatures(sources, DEFAULT_FRONT_END_CONFIG, load, { cacheDir: dir });
    expect(third.cacheHit).toBe(false);
    expect(third.key).not.toBe(first.key);
  });
});
