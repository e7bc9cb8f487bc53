// Turns one synthesised word into a 1 s training clip: trim, place, add noise, set the level.

/** How a clip is made from a word; drawn per clip from the seeded generator. */
export interface ClipPlan {
  /** Where the word starts within the clip's free time: 0 at the start, 1 flush with the end. */
  readonly position: number;
  /** Noise under the word (unit-RMS samples of the clip's length) and its SNR; none for a clean clip. */
  readonly noise?: { readonly samples: Float32Array; readonly snrDb: number };
  /** Peak level of the result, linear (0, 1]. */
  readonly peak: number;
}

/**
 * The word without leading and trailing silence: 10 ms frames quieter than `thresholdDb` below the
 * loudest frame are cut, keeping `padSeconds` of context each side so onsets and releases survive.
 */
export function trimSilence(x: Float32Array, sampleRate: number, thresholdDb = -40, padSeconds = 0.02): Float32Array {
  const frame = Math.max(1, Math.round(sampleRate * 0.01));
  const frames = Math.ceil(x.length / frame);
  const energy = new Float64Array(frames);
  let loudest = 0;
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    const end = Math.min(x.length, (f + 1) * frame);
    for (let i = f * frame; i < end; i++) sum += (x[i] as number) ** 2;
    energy[f] = sum / (end - f * frame);
    loudest = Math.max(loudest, energy[f] as number);
  }
  if (loudest <= 1e-12) return new Float32Array(0);
  const threshold = loudest * 10 ** (thresholdDb / 10);
  let first = 0;
  while (first < frames && (energy[first] as number) < threshold) first++;
  let last = frames - 1;
  while (last > first && (energy[last] as number) < threshold) last--;
  const pad = Math.round(padSeconds * sampleRate);
  return x.slice(Math.max(0, first * frame - pad), Math.min(x.length, (last + 1) * frame + pad));
}

/**
 * A clip of exactly `length` samples holding `word` at `plan.position` (a word longer than the clip
 * is cropped around its centre), noise mixed at `plan.noise.snrDb` relative to the word's own power,
 * then scaled so the peak is `plan.peak`.
 */
export function renderClip(word: Float32Array, length: number, plan: ClipPlan): Float32Array {
  const clip = new Float32Array(length);
  let start: number;
  let end: number;
  if (word.length >= length) {
    const from = Math.floor((word.length - length) / 2);
    clip.set(word.subarray(from, from + length));
    start = 0;
    end = length;
  } else {
    start = Math.round((length - word.length) * plan.position);
    clip.set(word, start);
    end = start + word.length;
  }

  let speechPower = 0;
  for (let i = start; i < end; i++) speechPower += (clip[i] as number) ** 2;
  speechPower /= Math.max(1, end - start);
  if (plan.noise !== undefined && speechPower > 0) {
    // Noise is unit RMS, so this gain gives exactly the asked SNR over the word's extent.
    const gain = Math.sqrt(speechPower / 10 ** (plan.noise.snrDb / 10));
    const noise = plan.noise.samples;
    for (let i = 0; i < length; i++) clip[i] = (clip[i] as number) + gain * (noise[i] as number);
  }

  let peak = 0;
  for (let i = 0; i < length; i++) peak = Math.max(peak, Math.abs(clip[i] as number));
  if (peak > 0) {
    const scale = plan.peak / peak;
    for (let i = 0; i < length; i++) clip[i] = (clip[i] as number) * scale;
  }
  return clip;
}
