// Augmented copies: same rows and labels as the sources, reproducible per seed, order-independent, cached under stable keys.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import type { ProgressEvent, Reporter } from '../core/progress.ts';
import { SeededRandom } from '../core/random.ts';
import { loadClip } from '../audio/load-clip.ts';
import { writeWav } from '../audio/wav-file.ts';
import { extractFeatures, type FeatureSource } from '../features/extract-features.ts';
import { DEFAULT_FRONT_END_CONFIG } from '../features/front-end-config.ts';
import { resolveAugmentConfig } from './augment-config.ts';
import { extractAugmentedFeatures } from './augmented-feature-sets.ts';
import { syntheticNoiseBank } from './noise-bank.ts';

const frontEnd = DEFAULT_FRONT_END_CONFIG;
const STRIDE = frontEnd.frames * frontEnd.numMelBins;
const bank = syntheticNoiseBank(1, 16000, 1.5);
const config = resolveAugmentConfig({ copies: 2 });
const load = (s: FeatureSource) => loadClip(s.path, { sampleRate: 16000, length: 16000, offset: s.offset ?? 0, resample: false });
let dir = '';
let sources: FeatureSource[] = [];

function word(seed: number): Float32Array {
  const rng = new SeededRandom(seed);
  const f0 = rng.uniform(200, 600);
  return Float32Array.from({ length: 16000 }, (_, i) => (i > 5000 && i < 11000 ? 0.3 * Math.sin((2 * Math.PI * f0 * i) / 16000) : 0) + 0.001 * rng.normal());
}

function row(set: { features: Float32Array }, i: number): number[] {
  return Array.from(set.features.subarray(i * STRIDE, (i + 1) * STRIDE));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'whittle-augment-'));
  sources = [];
  for (let k = 0; k < 3; k++) {
    const path = join(dir, `w${k}.wav`);
    await writeWav(path, word(k), 16000, { format: 'float32' });
    sources.push({ id: `w${k}`, path, labelIndex: k + 4 });
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('extractAugmentedFeatures', () => {
  it('gives config.copies sets with the sources’ order, labels and ids, each row a different augmentation', async () => {
    const sets = await extractAugmentedFeatures(sources, frontEnd, load, bank, config, 7);
    const clean = await extractFeatures(sources, frontEnd, load);
    expect(sets.map((s) => s.copy)).toEqual([0, 1]);
    for (const set of sets) {
      expect(set.count).toBe(3);
      expect([set.frames, set.bins]).toEqual([98, 40]);
      expect(set.features.length).toBe(3 * STRIDE);
      expect(Array.from(set.labels)).toEqual([4, 5, 6]);
      expect(set.ids).toEqual(['w0', 'w1', 'w2']);
      expect(set.features.every(Number.isFinite)).toBe(true);
      for (let i = 0; i < 3; i++) expect(row(set, i)).not.toEqual(row(clean, i));
    }
    for (let i = 0; i < 3; i++) expect(row(sets[0]!, i)).not.toEqual(row(sets[1]!, i));
  });

  it('reproduces per seed, changes with the seed, and does not depend on row order or copy count', async () => {
    const a = await extractAugmentedFeatures(sources, frontEnd, load, bank, config, 7);
    const again = await extractAugmentedFeatures(sources, frontEnd, load, bank, config, 7);
    expect(Array.from(again[1]!.features)).toEqual(Array.from(a[1]!.features));
    const other = await extractAugmentedFeatures(sources, frontEnd, load, bank, config, 8);
    expect(row(other[0]!, 0)).not.toEqual(row(a[0]!, 0));
    const reversed = await extractAugmentedFeatures([...sources].reverse(), frontEnd, load, bank, config, 7);
    expect(reversed[1]!.ids).toEqual(['w2', 'w1', 'w0']);
    for (let i = 0; i < 3; i++) expect(row(reversed[1]!, 2 - i)).toEqual(row(a[1]!, i));
    const one = await extractAugmentedFeatures(sources, frontEnd, load, bank, resolveAugmentConfig({ copies: 1 }), 7);
    expect(one.length).toBe(1);
    expect(Array.from(one[0]!.features)).toEqual(Array.from(a[0]!.features));
  });

  it('caches each copy atomically; a hit returns identical data, and more copies reuse the old ones', async () => {
    const cacheDir = join(dir, 'cache');
    const events: ProgressEvent[] = [];
    const infos: string[] = [];
    const reporter: Reporter = { progress: (e) => events.push(e), info: (m) => infos.push(m), warn: () => undefined };
    const first = await extractAugmentedFeatures(sources, frontEnd, load, bank, config, 7, { cacheDir, reporter, stage: 'augment training' });
    expect(first.map((s) => s.cacheHit)).toEqual([false, false]);
    expect(events.at(-1)).toEqual({ stage: 'augment training', done: 6, total: 6 });
    const files = (await readdir(cacheDir)).sort();
    expect(files).toEqual(first.map((s) => `${s.key}.f32`).sort());
    for (const f of files) expect((await stat(join(cacheDir, f))).size).toBe(3 * STRIDE * 4);

    const second = await extractAugmentedFeatures(sources, frontEnd, load, bank, config, 7, { cacheDir, reporter });
    expect(second.map((s) => s.cacheHit)).toEqual([true, true]);
    expect(infos.at(-1)).toBe('augmented features: 2 of 2 copies of 3 clips from cache');
    for (const c of [0, 1]) expect(Array.from(second[c]!.features)).toEqual(Array.from(first[c]!.features));

    const three = await extractAugmentedFeatures(sources, frontEnd, load, bank, resolveAugmentConfig({ copies: 3 }), 7, { cacheDir });
    expect(three.map((s) => s.cacheHit)).toEqual([true, true, false]);
    expect(three[2]!.key).not.toBe(first[1]!.key);
  });

  it('keys the cache on what changes the waveforms, and only on that', async () => {
    const cacheDir = join(dir, 'cache-key');
    const base = await extractAugmentedFeatures(sources, frontEnd, load, bank, config, 7, { cacheDir });
    const key = async (c = config, seed = 7, b = bank) => (await extractAugmentedFeatures(sources.slice(0, 1), frontEnd, load, b, c, seed))[0]!.key;
    const k0 = await key();
    expect(k0).not.toBe(base[0]!.key);
    expect(await key(resolveAugmentConfig({ copies: 2, specAugment: { timeMasks: 0 } }))).toBe(k0);
    expect(await key(config, 8)).not.toBe(k0);
    expect(await key(resolveAugmentConfig({ copies: 2, noise: { snrDb: [0, 10] } }))).not.toBe(k0);
    expect(await key(resolveAugmentConfig({ copies: 2, timeShift: { maxMs: 50 } }))).not.toBe(k0);
    expect(await key(config, 7, syntheticNoiseBank(2, 16000, 1.5))).not.toBe(k0);
    // Without noise the bank does not matter.
    const quiet = resolveAugmentConfig({ copies: 2, noise: { probability: 0 } });
    expect(await key(quiet, 7, [])).toBe(await key(quiet, 7, bank));
  });

  it('keys copies exactly as before the waveform stages existed, and adds each stage only when it can fire', async () => {
    // Taken before the voice and channel stages were added; cached copies of older runs stay valid.
    const before = ['c92b1a8ef96c3924ce3d221d9404a6cdc38a33dcd58de2fe8db9407f16bbedc4', '971ff26c559b66c08c03fd5a300aca4472eaf38f5acab23ccfc732fc9919024d'];
    const keys = async (c: typeof config) => (await extractAugmentedFeatures(sources, frontEnd, load, bank, c, 7)).map((s) => s.key);
    expect(await keys(config)).toEqual(before);
    expect(await keys(resolveAugmentConfig({ copies: 2, reverb: { probability: 0 }, gain: { probability: 0 } }))).toEqual(before);
    const reverb = await keys(resolveAugmentConfig({ copies: 2, reverb: { probability: 0.3 } }));
    expect(reverb[0]).not.toBe(before[0]);
    expect((await keys(resolveAugmentConfig({ copies: 2, reverb: { probability: 0.3, wet: [0.2, 0.4] } })))[0]).not.toBe(reverb[0]);
    expect((await keys(resolveAugmentConfig({ copies: 2, reverb: { probability: 0.3 }, speed: { probability: 0 } })))[0]).toBe(reverb[0]);
  });

  it('featurises voice-channel copies that differ from the default ones', async () => {
    const preset = resolveAugmentConfig({ preset: 'voice-channel', copies: 1 });
    const [plain] = await extractAugmentedFeatures(sources, frontEnd, load, bank, resolveAugmentConfig({ copies: 1 }), 7);
    const [voiced] = await extractAugmentedFeatures(sources, frontEnd, load, bank, preset, 7);
    expect(voiced!.features.every(Number.isFinite)).toBe(true);
    expect(voiced!.key).not.toBe(plain!.key);
    expect(Array.from(voiced!.features)).not.toEqual(Array.from(plain!.features));
  });

  it('returns nothing for zero copies and rejects a bad seed or a missing noise bank by name and value', async () => {
    expect(await extractAugmentedFeatures(sources, frontEnd, load, bank, resolveAugmentConfig({ copies: 0 }), 7)).toEqual([]);
    await expect(extractAugmentedFeatures(sources, frontEnd, load, bank, config, -1)).rejects.toThrow(
      "Argument 'seed' passed to 'extractAugmentedFeatures' must be an integer in [0, 4294967295]; got -1",
    );
    const err = await extractAugmentedFeatures(sources, frontEnd, load, [], config, 7).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe("Argument 'noiseBank' passed to 'extractAugmentedFeatures' must hold at least one non-empty clip when noise.probability is 0.8; got 0 clips");
    await expect(extractAugmentedFeatures(sources, frontEnd, load, bank, { ...config, copies: 99 }, 7)).rejects.toThrow(/'copies' .*got 99/);
  });
});
