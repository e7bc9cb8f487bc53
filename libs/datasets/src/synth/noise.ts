// Seeded noise signals (white, pink, brown, mains hum) for mixing under clips and for background files.

import type { SeededRandom } from '../core/random.ts';
import type { NoiseKind } from './synth-config.ts';

// Filter state needs this long to settle; pink's slowest pole has a ~900-sample time constant.
const WARM_UP = 4096;

/** `length` samples of `kind` noise at unit RMS (zero mean), drawn from `rng`. */
export function generateNoise(kind: NoiseKind, length: number, sampleRate: number, rng: SeededRandom): Float32Array {
  const out = new Float32Array(length);
  switch (kind) {
    case 'white':
      for (let i = 0; i < length; i++) out[i] = rng.normal();
      break;
    case 'pink': {
      // Paul Kellet's refined pink filter: -3 dB/octave within 0.05 dB from 9 Hz up.
      let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
      for (let i = -WARM_UP; i < length; i++) {
        const w = rng.normal();
        b0 = 0.99886 * b0 + w * 0.0555179;
        b1 = 0.99332 * b1 + w * 0.0750759;
        b2 = 0.969 * b2 + w * 0.153852;
        b3 = 0.8665 * b3 + w * 0.3104856;
        b4 = 0.55 * b4 + w * 0.5329522;
        b5 = -0.7616 * b5 - w * 0.016898;
        const pink = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
        b6 = w * 0.115926;
        if (i >= 0) out[i] = pink;
      }
      break;
    }
    case 'brown': {
      // A leaky integrator: -6 dB/octave above ~5 Hz, without the unbounded drift of a pure one.
      let y = 0;
      for (let i = -WARM_UP; i < length; i++) {
        y = 0.998 * y + 0.06 * rng.normal();
        if (i >= 0) out[i] = y;
      }
      break;
    }
    case 'hum50':
    case 'hum60': {
      // Mains hum: the fundamental (slightly off nominal, as grids are) plus decaying harmonics,
      // odd ones stronger as from transformers and rectifiers, over a faint hiss.
      const f0 = (kind === 'hum50' ? 50 : 60) * rng.uniform(0.997, 1.003);
      const harmonics = Array.from({ length: 8 }, (_, k) => ({
        freq: f0 * (k + 1),
        amp: (rng.uniform(0.3, 1) * ((k + 1) % 2 === 1 ? 1 : 0.4)) / (k + 1),
        phase: rng.uniform(0, 2 * Math.PI),
      })).filter((h) => h.freq < sampleRate / 2);
      const hiss = rng.uniform(0.005, 0.03);
      for (let i = 0; i < length; i++) {
        let v = 0;
        for (const h of harmonics) v += h.amp * Math.sin((2 * Math.PI * h.freq * i) / sampleRate + h.phase);
        out[i] = v + hiss * rng.normal();
      }
      break;
    }
  }
  return toUnitRms(out);
}

function toUnitRms(x: Float32Array): Float32Array {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i] as number;
  mean /= Math.max(1, x.length);
  let power = 0;
  for (let i = 0; i < x.length; i++) {
    const v = (x[i] as number) - mean;
    x[i] = v;
    power += v * v;
  }
  const scale = power > 0 ? 1 / Math.sqrt(power / x.length) : 0;
  for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) * scale;
  return x;
}
