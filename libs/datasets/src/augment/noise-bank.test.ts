// Noise banks: the training stretch of each background file, in a stable order; or seeded synthetic noise.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WhittleError } from '../core/errors.ts';
import { writeWav } from '../audio/wav-file.ts';
import { noiseBankFromFolder, syntheticNoiseBank, TRAINING_NOISE_REGION } from './noise-bank.ts';

let dir = '';
const ramp = Float32Array.from({ length: 10000 }, (_, i) => (i % 500) / 1000);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'whittle-noise-bank-'));
  await mkdir(join(dir, 'full', '_background_noise_'), { recursive: true });
  await writeWav(join(dir, 'full', '_background_noise_', 'b_ramp.wav'), ramp, 16000, { format: 'float32' });
  await writeWav(join(dir, 'full', '_background_noise_', 'a_slow.wav'), new Float32Array(4000).fill(0.25), 8000, { format: 'float32' });
  await writeFile(join(dir, 'full', '_background_noise_', 'README.md'), 'not audio');
  await mkdir(join(dir, 'empty', '_background_noise_'), { recursive: true });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('noiseBankFromFolder', () => {
  it('reads every .wav sorted by name, resampled, keeping only the training stretch by default', async () => {
    expect(TRAINING_NOISE_REGION).toEqual([0, 0.8]);
    const bank = await noiseBankFromFolder(join(dir, 'full'));
    expect(bank.length).toBe(2);
    // a_slow.wav: 0.5 s at 8 kHz becomes 8000 samples at 16 kHz, of which the first 80%.
    expect(bank[0]?.length).toBe(6400);
    expect(Math.abs((bank[0]?.[3000] as number) - 0.25)).toBeLessThan(1e-3);
    expect(Array.from(bank[1] as Float32Array)).toEqual(Array.from(ramp.subarray(0, 8000)));
  });

  it('cuts another region when asked, with readSpeechCommands’ floor arithmetic', async () => {
    const bank = await noiseBankFromFolder(join(dir, 'full'), { region: [0.8, 0.9] });
    expect(Array.from(bank[1] as Float32Array)).toEqual(Array.from(ramp.subarray(8000, 9000)));
  });

  it('names the folder when it holds no .wav files or does not exist', async () => {
    const empty = join(dir, 'empty', '_background_noise_');
    const err = await noiseBankFromFolder(join(dir, 'empty')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WhittleError);
    expect((err as WhittleError).code).toBe('NOT_FOUND');
    expect((err as Error).message).toBe(`${empty}: no .wav files, expected background noise recordings`);
    expect((err as WhittleError).hint).toMatch(/noise\.probability: 0/);
    const missing = join(dir, 'nowhere', '_background_noise_');
    await expect(noiseBankFromFolder(join(dir, 'nowhere'))).rejects.toThrow(`${missing}: cannot be read (ENOENT), expected a folder of noise .wav files`);
  });

  it('rejects a bad region or rate by name and value', async () => {
    await expect(noiseBankFromFolder(join(dir, 'full'), { region: [0.5, 0.2] })).rejects.toThrow(
      "Argument 'region' passed to 'noiseBankFromFolder' must be [start, end) with 0 <= start < end <= 1; got [0.5,0.2]",
    );
    await expect(noiseBankFromFolder(join(dir, 'full'), { sampleRate: 0 })).rejects.toThrow("Argument 'sampleRate' passed to 'noiseBankFromFolder' must be a positive integer; got 0");
  });
});

describe('syntheticNoiseBank', () => {
  it('gives one unit-RMS clip per kind, reproducible per seed, each kind on its own stream', () => {
    const bank = syntheticNoiseBank(3, 16000, 0.5);
    expect(bank.length).toBe(5);
    for (const clip of bank) {
      expect(clip.length).toBe(8000);
      const rms = Math.sqrt(clip.reduce((s, v) => s + v * v, 0) / clip.length);
      expect(rms).toBeCloseTo(1, 4);
    }
    expect(bank.map((c) => Array.from(c.subarray(0, 50)))).toEqual(syntheticNoiseBank(3, 16000, 0.5).map((c) => Array.from(c.subarray(0, 50))));
    expect(Array.from((syntheticNoiseBank(4, 16000, 0.5)[0] as Float32Array).subarray(0, 50))).not.toEqual(Array.from((bank[0] as Float32Array).subarray(0, 50)));
    // Pink alone equals pink within the full bank: adding kinds does not shift another kind's noise.
    expect(Array.from(syntheticNoiseBank(3, 16000, 0.5, ['pink'])[0] as Float32Array)).toEqual(Array.from(bank[1] as Float32Array));
  });

  it('rejects a length under one sample', () => {
    expect(() => syntheticNoiseBank(1, 16000, 0)).toThrow("Argument 'seconds' passed to 'syntheticNoiseBank' must be a positive number of at least one sample; got 0");
  });
});
