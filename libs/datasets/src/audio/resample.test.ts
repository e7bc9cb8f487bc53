// The resampler must keep in-band tones (frequency and level) and remove what would alias.
import { describe, expect, it } from 'vitest';
import { resample } from './resample.ts';

function sine(freq: number, rate: number, n: number, amp = 0.5): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * freq * i) / rate));
}

/** Amplitude and phase-free level of `freq` in `x` by correlation over the middle (away from edges). */
function toneAmplitude(x: Float32Array, freq: number, rate: number): number {
  const lo = Math.floor(x.length * 0.1);
  const hi = Math.floor(x.length * 0.9);
  let re = 0;
  let im = 0;
  for (let i = lo; i < hi; i++) {
    re += (x[i] as number) * Math.cos((2 * Math.PI * freq * i) / rate);
    im += (x[i] as number) * Math.sin((2 * Math.PI * freq * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / (hi - lo);
}

function rms(x: Float32Array, lo = 0, hi = x.length): number {
  let s = 0;
  for (let i = lo; i < hi; i++) s += (x[i] as number) ** 2;
  return Math.sqrt(s / (hi - lo));
}

describe('resample', () => {
  it.each([
    [22050, 16000, 1000],
    [8000, 16000, 440],
    [16000, 22050, 3000],
    [44100, 16000, 6500],
    [48000, 16000, 250],
  ])('%i Hz -> %i Hz keeps a %i Hz sine at its frequency and level', (from, to, freq) => {
    const y = resample(sine(freq, from, from), from, to);
    expect(y.length).toBe(to);
    expect(toneAmplitude(y, freq, to)).toBeCloseTo(0.5, 2);
    // Sample m of the output is time m / to, so it must match the ideal sine sampled at `to`.
    const ideal = sine(freq, to, to);
    const residual = Float32Array.from(y.subarray(200, to - 200), (v, i) => v - (ideal[i + 200] as number));
    expect(rms(residual)).toBeLessThan(0.005);
  });

  it('suppresses a tone above the new Nyquist instead of folding it down', () => {
    // 10 kHz at 22.05 kHz would alias to 6 kHz at 16 kHz.
    const y = resample(sine(10000, 22050, 22050), 22050, 16000);
    expect(toneAmplitude(y, 6000, 16000)).toBeLessThan(0.5 * 1e-3);
    expect(rms(y, 200, 15800)).toBeLessThan(1e-3);
  });

  it('keeps DC exactly and returns a copy for equal rates', () => {
    const dc = new Float32Array(8000).fill(0.25);
    const y = resample(dc, 8000, 16000);
    expect(Math.abs((y[8000] as number) - 0.25)).toBeLessThan(1e-6);
    const same = resample(dc, 16000, 16000);
    expect(same).not.toBe(dc);
    expect(Array.from(same)).toEqual(Array.from(dc));
  });

  it('converts one second of 22.05 kHz in a few milliseconds', () => {
    const x = sine(700, 22050, 22050);
    resample(x, 22050, 16000);
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) resample(x, 22050, 16000);
    expect((performance.now() - t0) / 5).toBeLessThan(25);
  });

  it('rejects non-integer or non-positive rates, naming the argument', () => {
    expect(() => resample(new Float32Array(4), 0, 16000)).toThrow("Argument 'fromRate' passed to 'resample' must be a positive integer (Hz); got 0");
    expect(() => resample(new Float32Array(4), 16000, 1.5)).toThrow(/'toRate'.*got 1.5/);
  });
});
