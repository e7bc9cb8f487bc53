// Clip rendering: trimming, placement, SNR and peak level are what the plan asks for.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../core/random.ts';
import { generateNoise } from './noise.ts';
import { renderClip, trimSilence } from './render-clip.ts';
import { NOISE_KINDS } from './synth-config.ts';

const tone = (n: number, amp = 0.5) => Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * 300 * i) / 16000));
const power = (x: Float32Array, lo = 0, hi = x.length) => {
  let s = 0;
  for (let i = lo; i < hi; i++) s += (x[i] as number) ** 2;
  return s / (hi - lo);
};

describe('trimSilence', () => {
  it('cuts leading and trailing silence, keeping 20 ms either side', () => {
    const x = new Float32Array(16000);
    x.set(tone(4000), 6080); // frame-aligned: 10 ms frames are 160 samples
    x[100] = 1e-4; // far below -40 dB of the tone
    const y = trimSilence(x, 16000);
    expect(y.length).toBe(4000 + 2 * 320);
    expect(trimSilence(new Float32Array(500), 16000).length).toBe(0);
  });
});

describe('renderClip', () => {
  it('places the word at the planned fraction of the free time and sets the peak', () => {
    const word = tone(6000);
    const clip = renderClip(word, 16000, { position: 0.25, peak: 0.5 });
    expect(clip.length).toBe(16000);
    const start = Math.round(10000 * 0.25);
    expect(clip.subarray(0, start).every((v) => v === 0)).toBe(true);
    expect(clip.subarray(start + 6000).every((v) => v === 0)).toBe(true);
    expect(Math.max(...Array.from(clip, Math.abs))).toBeCloseTo(0.5, 6);
  });

  it('crops a word longer than the clip around its centre', () => {
    const word = Float32Array.from({ length: 20000 }, (_, i) => (i - 10000) / 20000);
    const clip = renderClip(word, 16000, { position: 1, peak: 1 });
    // Samples 2000..17999 are kept (values -0.4 .. 0.4), then scaled to peak 1.
    expect(clip[0]).toBeCloseTo(-1, 6);
    expect(clip[8000]).toBeCloseTo(0, 6);
    expect(clip[15999]).toBeCloseTo(7999 / 8000, 6);
  });

  it('mixes noise at the planned SNR relative to the word', () => {
    const word = tone(8000);
    const noise = generateNoise('white', 16000, 16000, new SeededRandom(1));
    const clip = renderClip(word, 16000, { position: 0, peak: 0.9, noise: { samples: noise, snrDb: 10 } });
    // Outside the word only noise remains; inside, word power is 10x the noise power.
    const noisePower = power(clip, 8000, 16000);
    const total = power(clip, 0, 8000);
    expect(10 * Math.log10((total - noisePower) / noisePower)).toBeCloseTo(10, 0);
  });
});

describe('generateNoise', () => {
  const lowShare = (x: Float32Array) => {
    // Share of power below ~100 Hz: a 1-pole smoother's output power over the input's.
    let y = 0;
    const smooth = Float32Array.from(x, (v) => (y = 0.96 * y + 0.04 * v));
    return power(smooth) / power(x);
  };
  it.each(NOISE_KINDS)('%s is unit RMS, zero mean and seeded', (kind) => {
    const a = generateNoise(kind, 16000, 16000, new SeededRandom(5));
    expect(power(a)).toBeCloseTo(1, 5);
    expect(Math.abs(a.reduce((s, v) => s + v, 0) / a.length)).toBeLessThan(1e-6);
    expect(Array.from(generateNoise(kind, 16000, 16000, new SeededRandom(5)))).toEqual(Array.from(a));
  });
  it('tilts toward low frequencies from white to pink to brown, and hum sits at mains frequency', () => {
    const [white, pink, brown] = (['white', 'pink', 'brown'] as const).map((k) => lowShare(generateNoise(k, 32000, 16000, new SeededRandom(2))));
    expect(white).toBeLessThan(0.05);
    expect(pink).toBeGreaterThan(2 * (white as number));
    expect(brown).toBeGreaterThan(1.5 * (pink as number));
    const hum = generateNoise('hum50', 16000, 16000, new SeededRandom(3));
    let re = 0;
    let im = 0;
    for (let i = 0; i < 16000; i++) {
      re += (hum[i] as number) * Math.cos((2 * Math.PI * 50 * i) / 16000);
      im += (hum[i] as number) * Math.sin((2 * Math.PI * 50 * i) / 16000);
    }
    expect((2 * Math.hypot(re, im)) / 16000).toBeGreaterThan(0.5);
  });
});
