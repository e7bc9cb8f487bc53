// Pure math of the per-layer report: SNR, cosine similarity and MSE between a reference tensor and its quantized version.

import { WhittleError } from '@whittle/datasets';

/**
 * How far `actual` is from `reference` over every element seen. Sums, not per-sample averages:
 * a quiet sample must not dominate the SNR by dividing by its tiny energy.
 */
export interface ErrorStats {
  /** 10 log10(sum x^2 / sum (x - q)^2), clamped to +-SNR_LIMIT_DB (JSON has no Infinity). */
  readonly snrDb: number;
  /** sum(x q) / (|x| |q|); 1 when both are all zero, 0 when only one is. */
  readonly cosine: number;
  /** mean (x - q)^2. */
  readonly mse: number;
  /** Elements compared. */
  readonly count: number;
}

/**
 * The SNR reported for an exact match (and minus it for a zero reference with nonzero error).
 * float32 resolves ~144 dB, so anything at the limit means "no measurable error".
 */
export const SNR_LIMIT_DB = 300;

/** Streams pairs of equally long arrays into float64 sums, so batches can be compared as they come. */
export class ErrorAccumulator {
  private signal = 0;
  private noise = 0;
  private dot = 0;
  private actualEnergy = 0;
  private count = 0;

  /** Add one chunk; `reference` is the fp32 value, `actual` the quantized one. */
  add(reference: ArrayLike<number>, actual: ArrayLike<number>): void {
    if (reference.length !== actual.length) {
      throw new WhittleError('INVALID_ARGUMENT', `ErrorAccumulator.add needs equally long arrays; got ${reference.length} reference and ${actual.length} actual values`);
    }
    for (let i = 0; i < reference.length; i++) {
      const x = reference[i] as number;
      const q = actual[i] as number;
      const d = x - q;
      this.signal += x * x;
      this.noise += d * d;
      this.dot += x * q;
      this.actualEnergy += q * q;
    }
    this.count += reference.length;
  }

  stats(): ErrorStats {
    if (this.count === 0) throw new WhittleError('INVALID_ARGUMENT', 'ErrorAccumulator.stats called before any values were added');
    return { snrDb: snrDb(this.signal, this.noise), cosine: cosine(this.dot, this.signal, this.actualEnergy), mse: this.noise / this.count, count: this.count };
  }
}

/** The stats of one pair of arrays. */
export function errorStats(reference: ArrayLike<number>, actual: ArrayLike<number>): ErrorStats {
  const acc = new ErrorAccumulator();
  acc.add(reference, actual);
  return acc.stats();
}

function snrDb(signal: number, noise: number): number {
  if (noise === 0) return SNR_LIMIT_DB;
  if (signal === 0) return -SNR_LIMIT_DB;
  return Math.max(-SNR_LIMIT_DB, Math.min(SNR_LIMIT_DB, 10 * Math.log10(signal / noise)));
}

function cosine(dot: number, a: number, b: number): number {
  if (a === 0 && b === 0) return 1;
  if (a === 0 || b === 0) return 0;
  // Rounding can push |cos| a hair above 1.
  return Math.max(-1, Math.min(1, dot / Math.sqrt(a * b)));
}
