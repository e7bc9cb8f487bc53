// loadClip returns exactly the window asked for, resampled or refused, padded when short.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadFileError } from '../core/errors.ts';
import { loadClip } from './load-clip.ts';
import { resample } from './resample.ts';
import { writeWav } from './wav-file.ts';

let dir = '';
const ramp16 = Float32Array.from({ length: 20000 }, (_, i) => ((i % 1000) - 500) / 1024);
const tone22 = Float32Array.from({ length: 22050 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 22050));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'whittle-clip-'));
  await writeWav(join(dir, 'ramp16.wav'), ramp16, 16000, { format: 'float32' });
  await writeWav(join(dir, 'tone22.wav'), tone22, 22050, { format: 'float32' });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadClip', () => {
  it('returns the window at the offset, zero-padded at the end', async () => {
    const clip = await loadClip(join(dir, 'ramp16.wav'), { sampleRate: 16000, length: 16000, offset: 12000, resample: false });
    expect(clip.length).toBe(16000);
    expect(Array.from(clip.subarray(0, 8000))).toEqual(Array.from(ramp16.subarray(12000, 20000)));
    expect(clip.subarray(8000).every((v) => v === 0)).toBe(true);
    const past = await loadClip(join(dir, 'ramp16.wav'), { sampleRate: 16000, length: 10, offset: 50000, resample: false });
    expect(Array.from(past)).toEqual(new Array(10).fill(0));
  });

  it('resamples a window exactly as resampling the whole file would', async () => {
    const whole = resample(tone22, 22050, 16000);
    for (const offset of [0, 1234, 9000]) {
      const clip = await loadClip(join(dir, 'tone22.wav'), { sampleRate: 16000, length: 4000, offset, resample: true });
      let diff = 0;
      for (let i = 0; i < 4000; i++) diff = Math.max(diff, Math.abs((clip[i] as number) - (whole[offset + i] as number)));
      expect(diff).toBeLessThan(1e-5);
    }
  });

  it('refuses another rate without resample, naming the file and both rates', async () => {
    const path = join(dir, 'tone22.wav');
    const err = await loadClip(path, { sampleRate: 16000, length: 16000, resample: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadFileError);
    expect((err as Error).message).toBe(`${path}: sample rate is 22050 Hz, expected 16000 Hz`);
  });
});
