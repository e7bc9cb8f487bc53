// Noise is mixed at the SNR asked for, from a stretch of the noise clip, without touching the inputs.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../core/random.ts';
import { generateNoise } from '../synth/noise.ts';
import { mixNoise, mixNoiseAt } from './mix-noise.ts';

function tone(length: number, amp: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => amp * Math.sin((2 * Math.PI * 440 * i) / 16000));
}

/** 10 log10(signal power / power of what was added). */
function achievedSnrDb(signal: Float32Array, mixed: Float32Array): number {
  let ps = 0;
  let pn = 0;
  for (let i = 0; i < signal.length; i++) {
    ps += (signal[i] as number) ** 2;
    pn += ((mixed[i] as number) - (signal[i] as number)) ** 2;
  }
  return 10 * Math.log10(ps / pn);
}

describe('mixNoise', () => {
  const signal = tone(4000, 0.3);
  const noise = generateNoise('pink', 12000, 16000, new SeededRandom(5));

  it.each([-5, 0, 7.5, 20, 40])('achieves %d dB SNR within 0.1 dB', (snr) => {
    const mixed = mixNoise(signal, noise, snr, new SeededRandom(11));
    expect(mixed.length).toBe(signal.length);
    expect(Math.abs(achievedSnrDb(signal, mixed) - snr)).toBeLessThan(0.1);
  });

  it('adds a scaled stretch of the noise clip starting at the drawn offset', () => {
    const start = 1234;
    const mixed = mixNoiseAt(signal, noise, 10, start);
    // The added part is proportional to noise[start ...]: constant ratio everywhere.
    const gain = ((mixed[100] as number) - (signal[100] as number)) / (noise[start + 100] as number);
    for (const i of [0, 1, 999, 3999]) {
      expect((mixed[i] as number) - (signal[i] as number)).toBeCloseTo(gain * (noise[start + i] as number), 5);
    }
  });

  it('loops a noise clip shorter than the signal, still at the asked SNR', () => {
    const short = generateNoise('white', 1000, 16000, new SeededRandom(2));
    const mixed = mixNoiseAt(signal, short, 3, 900);
    const gain = ((mixed[0] as number) - (signal[0] as number)) / (short[900] as number);
    expect((mixed[100] as number) - (signal[100] as number)).toBeCloseTo(gain * (short[0] as number), 5);
    expect(Math.abs(achievedSnrDb(signal, mixed) - 3)).toBeLessThan(0.1);
    expect(Math.abs(achievedSnrDb(signal, mixNoise(signal, short, 3, new SeededRandom(4))) - 3)).toBeLessThan(0.1);
  });

  it('reproduces per seed, differs across seeds, and leaves its inputs unchanged', () => {
    const before = Float32Array.from(signal);
    const a = mixNoise(signal, noise, 10, new SeededRandom(1));
    expect(Array.from(mixNoise(signal, noise, 10, new SeededRandom(1)))).toEqual(Array.from(a));
    expect(Array.from(mixNoise(signal, noise, 10, new SeededRandom(2)))).not.toEqual(Array.from(a));
    expect(Array.from(signal)).toEqual(Array.from(before));
    expect(a).not.toBe(signal);
  });

  it('returns an unchanged copy for a silent signal, silent noise or empty noise, never NaN', () => {
    const silent = new Float32Array(4000);
    const out = mixNoise(silent, noise, 10, new SeededRandom(1));
    expect(out).not.toBe(silent);
    expect(out.every((v) => v === 0)).toBe(true);
    expect(Array.from(mixNoise(signal, new Float32Array(8000), 10, new SeededRandom(1)))).toEqual(Array.from(signal));
    expect(Array.from(mixNoise(signal, new Float32Array(0), 10, new SeededRandom(1)))).toEqual(Array.from(signal));
  });

  it('rejects a non-finite SNR', () => {
    expect(() => mixNoiseAt(signal, noise, Number.POSITIVE_INFINITY, 0)).toThrow('mixNoise() snrDb must be a finite number; got Infinity');
  });
});
