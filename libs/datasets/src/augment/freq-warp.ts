// Vocal-tract-length perturbation (VTLP) of log-mel rows: move formants up or down by a random factor.

import type { SeededRandom } from '../core/random.ts';
import type { FreqWarpConfig } from './augment-config.ts';

/**
 * The band the features' mel bins span: transformers.js' ASTFeatureExtractor builds its filter bank
 * with `mel_filter_bank(257, num_mel_bins, 20, floor(sampling_rate / 2), sampling_rate, null, 'kaldi', true)`,
 * and the front end is fixed at 16 kHz (FrontEndConfig.sampleRate), so 20 Hz to 8 kHz.
 */
export const FBANK_LOW_HZ = 20;
export const FBANK_HIGH_HZ = 8000;

/**
 * Jaitly & Hinton's (2013) boundary frequency F_hi: below F_hi * min(alpha, 1) / alpha the warp is a pure
 * scaling by alpha; above it a second line takes the rest of the band to the Nyquist frequency. 4800 Hz
 * (their value, and nlpaug's) keeps every vowel formant that tells these words apart (F1, F2 < 3 kHz) in
 * the pure-scaling part.
 */
export const VTLP_BOUNDARY_HZ = 4800;

/** Kaldi's mel scale, the one the extractor uses ('kaldi' in transformers.js): 1127 ln(1 + f / 700). */
export function kaldiMel(hz: number): number {
  return 1127 * Math.log(1 + hz / 700);
}

/** Inverse of kaldiMel(). */
export function kaldiMelToHz(mel: number): number {
  return 700 * (Math.exp(mel / 1127) - 1);
}

/** Centre frequency, Hz, of each of `bins` mel filters: equally spaced in mel, bins + 2 edge points over [20, 8000] Hz. */
export function melBinCentresHz(bins: number): Float64Array {
  const lo = kaldiMel(FBANK_LOW_HZ);
  const step = (kaldiMel(FBANK_HIGH_HZ) - lo) / (bins + 1);
  return Float64Array.from({ length: bins }, (_, b) => kaldiMelToHz(lo + (b + 1) * step));
}

/**
 * The input frequency whose content VTLP moves to `hz`: the inverse of Jaitly & Hinton's piecewise-linear
 * warp f -> alpha f (f <= F_hi min(alpha, 1) / alpha), then a line to (nyquist, nyquist). alpha > 1 raises
 * formants (a shorter vocal tract). Piecewise rather than a pure scaling f / alpha: the band's edge is the
 * sample rate's, not the speaker's, so it stays put and no top bins are filled by clamping for alpha < 1.
 */
export function vtlpSourceHz(hz: number, alpha: number, nyquistHz = FBANK_HIGH_HZ, boundaryHz = VTLP_BOUNDARY_HZ): number {
  const warpedKnee = boundaryHz * Math.min(alpha, 1);
  if (hz <= warpedKnee) return hz / alpha;
  const knee = warpedKnee / alpha;
  return nyquistHz - ((nyquistHz - hz) * (nyquistHz - knee)) / (nyquistHz - warpedKnee);
}

/**
 * For each output bin, the fractional input bin (in mel-bin index) it reads, clamped to [0, bins - 1].
 * Positions within 1e-9 of a whole bin are snapped to it, so alpha = 1 reads every bin exactly.
 */
export function warpSourcePositions(bins: number, alpha: number): Float64Array {
  const lo = kaldiMel(FBANK_LOW_HZ);
  const step = (kaldiMel(FBANK_HIGH_HZ) - lo) / (bins + 1);
  const centres = melBinCentresHz(bins);
  return centres.map((hz) => {
    const position = (kaldiMel(vtlpSourceHz(hz, alpha)) - lo) / step - 1;
    const snapped = Math.abs(position - Math.round(position)) < 1e-9 ? Math.round(position) : position;
    return Math.min(bins - 1, Math.max(0, snapped));
  });
}

/**
 * Warp, in place, every frame of one `frames x bins` row (row-major, frame by frame) by `alpha`: output
 * bin b takes the input at warpSourcePositions(bins, alpha)[b], linearly interpolated between the two
 * neighbouring bins. Rows given to training are normalised as (x - mean) / (2 std) with one scalar
 * mean and std, an affine map, so interpolating them is interpolating the log-mel values themselves.
 *
 * @example warpRowFrequencies(row, 98, 20, 1.1) // formants ~10% higher
 */
export function warpRowFrequencies(row: Float32Array, frames: number, bins: number, alpha: number): Float32Array {
  if (row.length !== frames * bins) throw new RangeError(`warpRowFrequencies() row has ${row.length} values, expected frames x bins = ${frames} x ${bins} = ${frames * bins}`);
  if (!(alpha > 0) || !Number.isFinite(alpha)) throw new RangeError(`warpRowFrequencies() alpha must be a positive finite number; got ${alpha}`);
  const positions = warpSourcePositions(bins, alpha);
  const frame = new Float32Array(bins);
  for (let f = 0; f < frames; f++) {
    const offset = f * bins;
    frame.set(row.subarray(offset, offset + bins));
    for (let b = 0; b < bins; b++) {
      const p = positions[b] as number;
      const i0 = Math.floor(p);
      const frac = p - i0;
      const v0 = frame[i0] as number;
      row[offset + b] = frac === 0 ? v0 : v0 + frac * ((frame[i0 + 1] as number) - v0);
    }
  }
  return row;
}

/**
 * With `config.probability`, draw alpha uniform in `config.factor`, warp the row and return alpha; otherwise
 * return 1 and leave the row alone. An absent config or probability 0 draws nothing from `rng`, so seeded
 * runs without the warp keep the random stream they always had.
 */
export function freqWarp(row: Float32Array, frames: number, bins: number, config: FreqWarpConfig | undefined, rng: SeededRandom): number {
  if (config === undefined || config.probability <= 0) return 1;
  if (rng.next() >= config.probability) return 1;
  const alpha = rng.uniform(config.factor[0], config.factor[1]);
  warpRowFrequencies(row, frames, bins, alpha);
  return alpha;
}
