// augmentWaveform shifts within the bound, mixes noise with the configured probability and SNR range.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../core/random.ts';
import { augmentWaveform } from './augment-waveform.ts';
import { DEFAULT_AUGMENT_CONFIG, NO_AUGMENT_CONFIG } from './augment-config.ts';
import { syntheticNoiseBank } from './noise-bank.ts';

const clip = Float32Array.from({ length: 16000 }, (_, i) => (i >= 6000 && i < 10000 ? 0.3 * Math.sin((2 * Math.PI * 300 * i) / 16000) : 0));
const bank = syntheticNoiseBank(1, 16000, 2);

function power(x: Float32Array): number {
  return x.reduce((s, v) => s + v * v, 0) / x.length;
}

describe('augmentWaveform', () => {
  it('is the identity with everything off, and never modifies its input', () => {
    const before = Float32Array.from(clip);
    const out = augmentWaveform(clip, bank, NO_AUGMENT_CONFIG, 16000, new SeededRandom(1));
    expect(Array.from(out)).toEqual(Array.from(clip));
    augmentWaveform(clip, bank, DEFAULT_AUGMENT_CONFIG, 16000, new SeededRandom(1));
    expect(Array.from(clip)).toEqual(Array.from(before));
  });

  it('shifts by at most maxMs without noise', () => {
    const config = { timeShift: { maxMs: 100 }, noise: { probability: 0, snrDb: [5, 20] as const } };
    for (let seed = 0; seed < 30; seed++) {
      const out = augmentWaveform(clip, bank, config, 16000, new SeededRandom(seed));
      const first = out.findIndex((v) => v !== 0);
      // The tone starts at 6000 (sin(0) = 0 there, so the first non-zero is one sample later).
      expect(Math.abs(first - 6001)).toBeLessThanOrEqual(1600);
      expect(out.length).toBe(16000);
    }
  });

  it('mixes noise in about probability of the draws, at an SNR inside the range', () => {
    const config = { timeShift: { maxMs: 0 }, noise: { probability: 0.8, snrDb: [5, 20] as const } };
    let noisy = 0;
    for (let seed = 0; seed < 200; seed++) {
      const out = augmentWaveform(clip, bank, config, 16000, new SeededRandom(seed));
      const added = out.map((v, i) => v - (clip[i] as number));
      if (power(added) === 0) continue;
      noisy++;
      const snr = 10 * Math.log10(power(clip) / power(added));
      expect(snr).toBeGreaterThan(5 - 0.1);
      expect(snr).toBeLessThan(20 + 0.1);
    }
    expect(noisy).toBeGreaterThan(140);
    expect(noisy).toBeLessThan(185);
  });

  it('reproduces per seed', () => {
    const a = augmentWaveform(clip, bank, DEFAULT_AUGMENT_CONFIG, 16000, new SeededRandom(42));
    expect(Array.from(augmentWaveform(clip, bank, DEFAULT_AUGMENT_CONFIG, 16000, new SeededRandom(42)))).toEqual(Array.from(a));
    expect(Array.from(augmentWaveform(clip, bank, DEFAULT_AUGMENT_CONFIG, 16000, new SeededRandom(43)))).not.toEqual(Array.from(a));
  });
});
