// Test signals with known answers for the waveform augmentations: pure tones, their measured frequency and level.

export const TONE_RATE = 16000;

/** `amplitude`·sin(2π·hz·t) sampled at TONE_RATE. */
export function tone(hz: number, length = TONE_RATE, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / TONE_RATE));
}

/** Frequency from the rising zero crossings inside [from, to), interpolated between samples. */
export function toneFrequency(x: Float32Array, from: number, to: number): number {
  const crossings: number[] = [];
  for (let i = from; i < to - 1; i++) {
    const a = x[i] as number;
    const b = x[i + 1] as number;
    if (a < 0 && b >= 0) crossings.push(i + a / (a - b));
  }
  return ((crossings.length - 1) * TONE_RATE) / ((crossings.at(-1) as number) - (crossings[0] as number));
}

/** Root mean square of x[from, to). */
export function rmsBetween(x: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += (x[i] as number) ** 2;
  return Math.sqrt(s / (to - from));
}
