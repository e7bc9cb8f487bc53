// Band-limited sample-rate conversion: a Kaiser-windowed sinc applied as a polyphase filter bank.

import { ConfigError } from '../core/errors.ts';

/** Filter shape. The defaults keep aliasing below about -80 dB and pass 0-94% of the lower Nyquist. */
export interface ResampleOptions {
  /** Sinc zero crossings on each side of the centre tap (longer = sharper, slower). Default 16. */
  readonly zeroCrossings?: number;
  /** Passband edge as a fraction of the lower of the two Nyquist frequencies. Default 0.94. */
  readonly rolloff?: number;
  /** Kaiser window beta. Default 8.6. */
  readonly beta?: number;
}

interface FilterBank {
  /** Phases per input sample. */
  readonly phases: number;
  /** Taps per phase. */
  readonly taps: number;
  /** Offset of tap 0 relative to floor(t): tap i multiplies x[floor(t) + i - reach]. */
  readonly reach: number;
  /** phases x taps coefficients. */
  readonly coefficients: Float32Array;
}

// Rational ratios with more phases than this use a quantised phase grid instead of exact phases;
// 4096 steps keep the timing error below 0.0125% of a sample, far under the filter's own error.
const MAX_PHASES = 4096;
const banks = new Map<string, FilterBank>();

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (series), for the Kaiser window. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 64; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

function filterBank(fromRate: number, toRate: number, phases: number, options: ResampleOptions): FilterBank {
  const zeros = options.zeroCrossings ?? 16;
  const rolloff = options.rolloff ?? 0.94;
  const beta = options.beta ?? 8.6;
  const key = `${fromRate}:${toRate}:${phases}:${zeros}:${rolloff}:${beta}`;
  const cached = banks.get(key);
  if (cached !== undefined) return cached;

  // Cutoff in cycles per input sample, relative to the input Nyquist: downsampling must also
  // remove what would alias above the new Nyquist, so the filter widens by fromRate / toRate.
  const cutoff = rolloff * Math.min(1, toRate / fromRate);
  const halfWidth = zeros / cutoff;
  const reach = Math.ceil(halfWidth) - 1;
  const taps = 2 * (reach + 1);
  const coefficients = new Float32Array(phases * taps);
  const i0beta = besselI0(beta);
  for (let p = 0; p < phases; p++) {
    const frac = p / phases;
    let sum = 0;
    for (let i = 0; i < taps; i++) {
      const tau = frac - (i - reach);
      const x = tau / halfWidth;
      let h = 0;
      if (Math.abs(x) < 1) {
        const arg = Math.PI * cutoff * tau;
        const sinc = Math.abs(arg) < 1e-12 ? 1 : Math.sin(arg) / arg;
        h = cutoff * sinc * (besselI0(beta * Math.sqrt(1 - x * x)) / i0beta);
      }
      coefficients[p * taps + i] = h;
      sum += h;
    }
    // Unit DC gain for every phase, so a constant stays exactly constant.
    for (let i = 0; i < taps; i++) coefficients[p * taps + i] = (coefficients[p * taps + i] as number) / sum;
  }
  const bank = { phases, taps, reach, coefficients };
  if (banks.size > 32) banks.clear();
  banks.set(key, bank);
  return bank;
}

/**
 * Convert `samples` from `fromRate` to `toRate` (Hz). Output length is ceil(n * toRate / fromRate).
 * Same rate returns a copy.
 *
 * @example resample(flite8k, 8000, 16000) // 2x as many samples, no imaging above 4 kHz
 */
export function resample(samples: Float32Array, fromRate: number, toRate: number, options: ResampleOptions = {}): Float32Array {
  for (const [name, rate] of [['fromRate', fromRate], ['toRate', toRate]] as const) {
    if (!Number.isInteger(rate) || rate <= 0) throw new ConfigError(`Argument '${name}' passed to 'resample' must be a positive integer (Hz); got ${rate}`);
  }
  if (fromRate === toRate) return samples.slice();
  const g = gcd(fromRate, toRate);
  const up = toRate / g;
  const down = fromRate / g;
  const phases = up <= MAX_PHASES ? up : MAX_PHASES;
  const bank = filterBank(fromRate, toRate, phases, options);
  const { taps, reach, coefficients } = bank;
  const n = samples.length;
  const outLength = Math.ceil((n * up) / down);
  const out = new Float32Array(outLength);

  for (let m = 0; m < outLength; m++) {
    // Exact integer position: output m sits at input time m * down / up.
    const num = m * down;
    let k0 = Math.floor(num / up);
    let phase = phases === up ? num - k0 * up : Math.round(((num - k0 * up) / up) * phases);
    if (phase === phases) {
      phase = 0;
      k0 += 1;
    }
    const first = k0 - reach;
    const row = phase * taps;
    let acc = 0;
    if (first >= 0 && first + taps <= n) {
      for (let i = 0; i < taps; i++) acc += (coefficients[row + i] as number) * (samples[first + i] as number);
    } else {
      const lo = Math.max(0, -first);
      const hi = Math.min(taps, n - first);
      for (let i = lo; i < hi; i++) acc += (coefficients[row + i] as number) * (samples[first + i] as number);
    }
    out[m] = acc;
  }
  return out;
}
