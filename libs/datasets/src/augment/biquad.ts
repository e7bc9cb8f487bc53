// Second-order IIR filter sections (biquads): the building block of the band-limiting channel filters.

/** y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2] (a0 normalised to 1). */
export interface Biquad {
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly a1: number;
  readonly a2: number;
}

function design(kind: 'lowpass' | 'highpass', cutoffHz: number, q: number, sampleRate: number): Biquad {
  if (!Number.isFinite(cutoffHz) || cutoffHz <= 0 || cutoffHz >= sampleRate / 2) {
    throw new RangeError(`${kind}Biquad() cutoffHz must be in (0, ${sampleRate / 2}) for a ${sampleRate} Hz signal; got ${cutoffHz}`);
  }
  if (!Number.isFinite(q) || q <= 0) throw new RangeError(`${kind}Biquad() q must be a positive number; got ${q}`);
  // RBJ Audio EQ Cookbook: bilinear transform with the cutoff pre-warped, so the -3 dB point (for
  // Q = 1/sqrt(2)) lands exactly on cutoffHz.
  const w0 = (2 * Math.PI * cutoffHz) / sampleRate;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  const a0 = 1 + alpha;
  const edge = kind === 'lowpass' ? (1 - cos) / 2 : (1 + cos) / 2;
  const middle = kind === 'lowpass' ? 1 - cos : -(1 + cos);
  return { b0: edge / a0, b1: middle / a0, b2: edge / a0, a1: (-2 * cos) / a0, a2: (1 - alpha) / a0 };
}

/** RBJ low-pass section. */
export function lowpassBiquad(cutoffHz: number, q: number, sampleRate: number): Biquad {
  return design('lowpass', cutoffHz, q, sampleRate);
}

/** RBJ high-pass section. */
export function highpassBiquad(cutoffHz: number, q: number, sampleRate: number): Biquad {
  return design('highpass', cutoffHz, q, sampleRate);
}

/**
 * The Q of each section of an even-`order` Butterworth filter, 1 / (2 cos θk) over its pole angles:
 * cascading sections designed with these Qs at one cutoff gives the maximally flat response
 * |H|² = 1 / (1 + (tan(ω/2) / tan(ωc/2))^(2·order)) (low-pass; the ratio inverted for high-pass).
 *
 * @example butterworthQs(4) // [0.5412, 1.3066]
 */
export function butterworthQs(order: number): number[] {
  if (!Number.isInteger(order) || order < 2 || order % 2 !== 0) throw new RangeError(`butterworthQs() order must be an even integer >= 2; got ${order}`);
  return Array.from({ length: order / 2 }, (_, k) => 1 / (2 * Math.cos(((2 * k + 1) * Math.PI) / (2 * order))));
}

/** `signal` through `sections` in order, from rest (transposed direct form II, float64 state). */
export function applyBiquads(signal: Float32Array, sections: readonly Biquad[]): Float32Array {
  const buffer = Float64Array.from(signal);
  for (const { b0, b1, b2, a1, a2 } of sections) {
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < buffer.length; i++) {
      const x = buffer[i] as number;
      const y = b0 * x + s1;
      s1 = b1 * x - a1 * y + s2;
      s2 = b2 * x - a2 * y;
      buffer[i] = y;
    }
  }
  return Float32Array.from(buffer);
}
