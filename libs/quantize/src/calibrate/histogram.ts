// A fixed number of equal-width bins whose range grows to cover every value added: calibration statistics in O(bins) memory.

/**
 * Streaming histogram for calibration. Why a growing range: calibration feeds are an AsyncIterable
 * that can be read once, so a first pass for the range and a second one for the counts would mean
 * buffering every input or running the model twice. Instead the first batch sets the range
 * [min, max], and a later value outside it doubles the bin width (pairs of bins merge; the range
 * extends up or down by its own length) until it fits. Merging pairs is exact - no count is ever
 * re-spread - and the price is resolution: after growing, the observed range covers between half
 * and all of the bins (onnxruntime's collectors instead append bins of the old width, so their
 * memory grows with the range).
 * Non-finite values (NaN, +-Infinity) are skipped: they have no bin; observers track min/max apart.
 */
export class Histogram {
  readonly bins: number;
  /** counts[k] = values in [low + k * width, low + (k + 1) * width); the last bin also holds `high`. */
  readonly counts: Float64Array;
  private readonly includeZero: boolean;
  private lo = 0;
  private hi = 0;
  private empty = true;

  /** `includeZero`: keep 0 inside the range, so bins start at 0 for non-negative data such as |x|. */
  constructor(bins: number, options: { readonly includeZero?: boolean } = {}) {
    if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`Histogram bins must be a positive integer; got ${bins}`);
    this.bins = bins;
    this.counts = new Float64Array(bins);
    this.includeZero = options.includeZero ?? false;
  }

  get low(): number {
    return this.lo;
  }
  get high(): number {
    return this.hi;
  }
  get width(): number {
    return (this.hi - this.lo) / this.bins;
  }
  /** Finite values added so far. */
  get total(): number {
    let n = 0;
    for (const c of this.counts) n += c;
    return n;
  }
  /** Lower edge of bin k (k = bins gives the upper edge of the last bin). */
  edge(k: number): number {
    return this.lo + k * this.width;
  }

  /** Count `values` (their absolute values with `abs`). */
  add(values: ArrayLike<number>, abs = false): void {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = abs ? Math.abs(values[i] as number) : (values[i] as number);
      if (v < min && v !== -Infinity) min = v;
      if (v > max && v !== Infinity) max = v;
    }
    if (min > max) return; // nothing finite
    this.cover(min, max);
    const { lo, bins, counts } = this;
    const scale = bins / (this.hi - lo);
    const last = bins - 1;
    for (let i = 0; i < values.length; i++) {
      const v = abs ? Math.abs(values[i] as number) : (values[i] as number);
      if (!Number.isFinite(v)) continue;
      const k = Math.floor((v - lo) * scale);
      counts[k > last ? last : k < 0 ? 0 : k]! += 1;
    }
  }

  /** Grow the range until it holds [min, max]. */
  private cover(min: number, max: number): void {
    if (this.empty) {
      let lo = this.includeZero ? Math.min(min, 0) : min;
      let hi = this.includeZero ? Math.max(max, 0) : max;
      // A single value has no width to divide: give it a tiny range, which later values grow as needed.
      if (hi === lo) hi = lo + (Math.abs(lo) || 1) * 2 ** -20;
      this.lo = lo;
      this.hi = hi;
      this.empty = false;
      return;
    }
    while (max > this.hi) this.double('up');
    while (min < this.lo) this.double('down');
  }

  /** Double the bin width: up keeps `low` and merges bins 2j, 2j+1 into j; down keeps `high` and moves them to (bins + 2j) / 2. */
  private double(direction: 'up' | 'down'): void {
    const { bins, counts } = this;
    const old = Float64Array.from(counts);
    counts.fill(0);
    const shift = direction === 'up' ? 0 : bins;
    for (let k = 0; k < bins; k++) counts[Math.floor((k + shift) / 2)]! += old[k] as number;
    const span = this.hi - this.lo;
    if (direction === 'up') this.hi = this.lo + 2 * span;
    else this.lo = this.hi - 2 * span;
  }
}
