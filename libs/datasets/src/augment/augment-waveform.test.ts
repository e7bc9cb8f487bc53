// augmentWaveform shifts within the bound, mixes noise as configured, runs the optional stages in order, and keeps old outputs.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../core/random.ts';
import { augmentWaveform } from './augment-waveform.ts';
import { DEFAULT_AUGMENT_CONFIG, NO_AUGMENT_CONFIG, resolveAugmentConfig, VOICE_CHANNEL_AUGMENT_CONFIG } from './augment-config.ts';
import { applyGain } from './gain-clip.ts';
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

describe('augmentWaveform with the voice and channel stages', () => {
  // A fixed clip and bank; the digest below was taken from augmentWaveform before the optional stages existed.
  const noisy = new SeededRandom(2024);
  const reference = Float32Array.from({ length: 16000 }, (_, i) => 0.4 * Math.sin((2 * Math.PI * 440 * i) / 16000) * Math.exp(-(((i - 8000) / 3000) ** 2)) + 0.01 * noisy.normal());
  const referenceBank = syntheticNoiseBank(3, 16000, 2);
  const digest = (config: Parameters<typeof augmentWaveform>[2]) => {
    const hash = createHash('sha256');
    for (let seed = 0; seed < 12; seed++) {
      const out = augmentWaveform(reference, referenceBank, config, 16000, new SeededRandom(seed));
      hash.update(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
    }
    return hash.digest('hex');
  };
  const BEFORE = '2fbc146523a40295a1161eda518d667727df9002914c9ade35a029ff114da2f1';

  it('reproduces the outputs from before the stages existed, bit for bit, with them absent or at probability 0', () => {
    expect(digest(DEFAULT_AUGMENT_CONFIG)).toBe(BEFORE);
    const zero = { probability: 0 };
    const off = resolveAugmentConfig({ speed: zero, pitch: zero, reverb: zero, bandLimit: zero, gain: zero, clip: zero, dcOffset: zero });
    expect(off.speed?.probability).toBe(0);
    expect(digest(off)).toBe(BEFORE);
    expect(digest(VOICE_CHANNEL_AUGMENT_CONFIG)).not.toBe(BEFORE);
  });

  it('leaves the time shift and noise draws alone: a certain 6 dB gain is exactly the default output times 2', () => {
    const gained = resolveAugmentConfig({ gain: { probability: 1, db: [20 * Math.log10(2), 20 * Math.log10(2)] } });
    for (let seed = 0; seed < 5; seed++) {
      const plain = augmentWaveform(reference, referenceBank, DEFAULT_AUGMENT_CONFIG, 16000, new SeededRandom(seed));
      const out = augmentWaveform(reference, referenceBank, gained, 16000, new SeededRandom(seed));
      expect(Array.from(out)).toEqual(Array.from(applyGain(plain, 20 * Math.log10(2))));
    }
  });

  it('keeps each stage’s draws when another stage is turned on', () => {
    const reverb = { probability: 1, rt60Seconds: [0.2, 0.5] as const, wet: [0.3, 0.3] as const };
    const gainOnly = resolveAugmentConfig({ noise: { probability: 0 }, timeShift: { maxMs: 0 }, gain: { probability: 0.5 } });
    const both = resolveAugmentConfig({ noise: { probability: 0 }, timeShift: { maxMs: 0 }, gain: { probability: 0.5 }, reverb });
    for (let seed = 0; seed < 8; seed++) {
      const a = augmentWaveform(reference, referenceBank, gainOnly, 16000, new SeededRandom(seed));
      const b = augmentWaveform(reference, referenceBank, both, 16000, new SeededRandom(seed));
      // Gain is linear and applied after reverb, so the ratio to the reverberated clip reveals the drawn gain.
      const ratioA = (a[8000] as number) / (reference[8000] as number);
      const wetOnly = augmentWaveform(reference, referenceBank, resolveAugmentConfig({ noise: { probability: 0 }, timeShift: { maxMs: 0 }, reverb }), 16000, new SeededRandom(seed));
      const ratioB = (b[8000] as number) / (wetOnly[8000] as number);
      expect(ratioB).toBeCloseTo(ratioA, 4);
    }
  });

  it('with the preset: same length, finite, reproducible per seed, different across seeds and from the default', () => {
    for (let seed = 0; seed < 6; seed++) {
      const out = augmentWaveform(reference, referenceBank, VOICE_CHANNEL_AUGMENT_CONFIG, 16000, new SeededRandom(seed));
      expect(out.length).toBe(16000);
      expect(out.every(Number.isFinite)).toBe(true);
      expect(Array.from(augmentWaveform(reference, referenceBank, VOICE_CHANNEL_AUGMENT_CONFIG, 16000, new SeededRandom(seed)))).toEqual(Array.from(out));
    }
    const a = augmentWaveform(reference, referenceBank, VOICE_CHANNEL_AUGMENT_CONFIG, 16000, new SeededRandom(1));
    expect(Array.from(augmentWaveform(reference, referenceBank, VOICE_CHANNEL_AUGMENT_CONFIG, 16000, new SeededRandom(2)))).not.toEqual(Array.from(a));
  });

  it('runs speed before the time shift: a slowed word is centred, then shifted by at most maxMs', () => {
    const word = Float32Array.from({ length: 16000 }, (_, i) => (i >= 6000 && i < 10000 ? 0.3 * Math.sin((2 * Math.PI * 300 * i) / 16000) : 0));
    const config = resolveAugmentConfig({ noise: { probability: 0 }, timeShift: { maxMs: 50 }, speed: { probability: 1, factor: [0.8, 0.8] } });
    for (let seed = 0; seed < 10; seed++) {
      const out = augmentWaveform(word, [], config, 16000, new SeededRandom(seed));
      const loud = Array.from(out).flatMap((v, i) => (Math.abs(v) > 0.05 ? [i] : []));
      expect((loud.at(-1) as number) - (loud[0] as number)).toBeGreaterThan(4900);
      expect(Math.abs(((loud[0] as number) + (loud.at(-1) as number)) / 2 - 8000)).toBeLessThan(800 + 20);
    }
  });
});
