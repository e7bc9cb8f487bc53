// Synthetic room responses decay 60 dB in RT60; the wet/dry mix and the random stage behave as documented.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../core/random.ts';
import { applyReverb, randomReverb, reverbImpulseResponse } from './reverb.ts';

const RATE = 16000;

/** Time for the least-squares line through the IR's 10 ms block energies (dB) to fall 60 dB. */
function measuredRt60(ir: Float32Array): number {
  const block = RATE / 100;
  const points: [number, number][] = [];
  for (let start = 1; start + block <= ir.length; start += block) {
    let e = 0;
    for (let i = start; i < start + block; i++) e += (ir[i] as number) ** 2;
    points.push([(start + block / 2) / RATE, 10 * Math.log10(e / block)]);
  }
  const mx = points.reduce((s, [x]) => s + x, 0) / points.length;
  const my = points.reduce((s, [, y]) => s + y, 0) / points.length;
  const slope = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return -60 / slope;
}

function power(x: Float32Array): number {
  return x.reduce((s, v) => s + v * v, 0) / x.length;
}

describe('reverbImpulseResponse', () => {
  it.each([0.1, 0.3, 0.6])('with RT60 %f s decays by 60 dB at RT60 (within 10 percent), unit energy, no direct sound', (rt60) => {
    const ir = reverbImpulseResponse(rt60, RATE, new SeededRandom(5));
    expect(ir.length).toBe(Math.ceil(rt60 * RATE));
    expect(ir[0]).toBe(0);
    expect(Math.abs(measuredRt60(ir) / rt60 - 1)).toBeLessThan(0.1);
    expect(ir.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 5);
  });

  it('reproduces per seed and rejects a bad RT60', () => {
    expect(Array.from(reverbImpulseResponse(0.2, RATE, new SeededRandom(1)))).toEqual(Array.from(reverbImpulseResponse(0.2, RATE, new SeededRandom(1))));
    expect(Array.from(reverbImpulseResponse(0.2, RATE, new SeededRandom(2)))).not.toEqual(Array.from(reverbImpulseResponse(0.2, RATE, new SeededRandom(1))));
    expect(() => reverbImpulseResponse(0, RATE, new SeededRandom(1))).toThrow('reverbImpulseResponse() rt60Seconds must be a number in (0, 5]; got 0');
  });
});

describe('applyReverb', () => {
  const rng = new SeededRandom(9);
  const noise = Float32Array.from({ length: RATE }, () => 0.1 * rng.normal());
  const ir = reverbImpulseResponse(0.3, RATE, new SeededRandom(3));

  it('is the dry signal at wet 0 and the delayed tail alone at wet 1', () => {
    expect(Array.from(applyReverb(noise, ir, 0))).toEqual(Array.from(noise));
    const impulse = new Float32Array(RATE);
    impulse[100] = 1;
    const tail = applyReverb(impulse, ir, 1);
    expect(tail[100]).toBeCloseTo(0, 7);
    for (const i of [101, 500, 3000]) expect(tail[i]).toBeCloseTo(ir[i - 100] as number, 6);
  });

  it('keeps white noise’s power (equal-power mix, unit-energy tail) and the length', () => {
    for (const wet of [0.3, 0.7]) {
      const out = applyReverb(noise, ir, wet);
      expect(out.length).toBe(RATE);
      // The first RT60 of the tail is still building up, so compare from there on.
      const level = 10 * Math.log10(power(out.subarray(4800)) / power(noise.subarray(4800)));
      expect(Math.abs(level)).toBeLessThan(0.5);
    }
  });

  it('in the random stage, applies with its probability and reproduces per seed', () => {
    const config = { probability: 0.3, rt60Seconds: [0.1, 0.6] as const, wet: [0.1, 0.5] as const };
    let applied = 0;
    for (let seed = 0; seed < 40; seed++) {
      const out = randomReverb(noise, config, RATE, new SeededRandom(seed));
      if (out !== noise) applied++;
      if (seed < 5) expect(Array.from(randomReverb(noise, config, RATE, new SeededRandom(seed)))).toEqual(Array.from(out));
    }
    expect(applied).toBeGreaterThan(5);
    expect(applied).toBeLessThan(20);
  });
});
