// Room reverberation from a synthetic impulse response, so dry synthetic speech also arrives as if spoken in a room.

import type { SeededRandom } from '../core/random.ts';
import type { ReverbConfig } from './augment-config.ts';
import { fftConvolve } from './fft-convolve.ts';

/** ln(10^3): an amplitude envelope exp(-LN_1000 * t / T) is down 60 dB (a factor 1000) at t = T. */
const LN_1000 = Math.log(1000);

/**
 * A late-reverberation impulse response: Gaussian noise under an exponential envelope that falls
 * 60 dB in `rt60Seconds` (the definition of RT60), `ceil(rt60Seconds * sampleRate)` samples long
 * (later taps are under -60 dB), sample 0 zero (the direct sound is mixed separately), unit energy.
 * A diffuse room's tail is well modelled this way (Polack's model); there are no early reflections.
 *
 * @example reverbImpulseResponse(0.4, 16000, rng) // 6400 taps, -60 dB at 0.4 s
 */
export function reverbImpulseResponse(rt60Seconds: number, sampleRate: number, rng: SeededRandom): Float32Array {
  if (!Number.isFinite(rt60Seconds) || rt60Seconds <= 0 || rt60Seconds > 5) throw new RangeError(`reverbImpulseResponse() rt60Seconds must be a number in (0, 5]; got ${rt60Seconds}`);
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError(`reverbImpulseResponse() sampleRate must be a positive integer; got ${sampleRate}`);
  const length = Math.max(2, Math.ceil(rt60Seconds * sampleRate));
  const decay = LN_1000 / (rt60Seconds * sampleRate);
  const ir = new Float32Array(length);
  let energy = 0;
  for (let i = 1; i < length; i++) {
    const v = rng.normal() * Math.exp(-decay * i);
    ir[i] = v;
    energy += v * v;
  }
  const scale = energy > 0 ? 1 / Math.sqrt(energy) : 0;
  for (let i = 1; i < length; i++) ir[i] = (ir[i] as number) * scale;
  return ir;
}

/**
 * `signal` mixed with itself convolved by `impulseResponse`: sqrt(1 - wet) dry plus sqrt(wet)
 * reverberant, equal-power weights, so a unit-energy response leaves the level about where it was.
 * Same length as `signal`: the tail past the clip's end is cut, as a 1 s recording window would.
 */
export function applyReverb(signal: Float32Array, impulseResponse: Float32Array, wet: number): Float32Array {
  if (!Number.isFinite(wet) || wet < 0 || wet > 1) throw new RangeError(`applyReverb() wet must be a number in [0, 1]; got ${wet}`);
  const reverberant = fftConvolve(signal, impulseResponse, signal.length);
  const dryGain = Math.sqrt(1 - wet);
  const wetGain = Math.sqrt(wet);
  const out = new Float32Array(signal.length);
  for (let i = 0; i < out.length; i++) out[i] = dryGain * (signal[i] as number) + wetGain * (reverberant[i] as number);
  return out;
}

/**
 * With `config.probability`, `signal` in a room of RT60 uniform in `config.rt60Seconds` at a wet
 * share uniform in `config.wet` (a fresh response each time); otherwise `signal` itself. Draws the
 * decision and both parameters from `rng` every call, and the response's noise only when applied.
 */
export function randomReverb(signal: Float32Array, config: ReverbConfig, sampleRate: number, rng: SeededRandom): Float32Array {
  const apply = rng.next() < config.probability;
  const rt60 = rng.uniform(config.rt60Seconds[0], config.rt60Seconds[1]);
  const wet = rng.uniform(config.wet[0], config.wet[1]);
  return apply ? applyReverb(signal, reverbImpulseResponse(rt60, sampleRate, rng), wet) : signal;
}
