// Seeded pseudo-random numbers: every random choice in Whittle flows from one of these so runs reproduce.

/** The whole state of a SeededRandom, JSON-serialisable, so a resumed run continues the same stream. */
export interface RandomSnapshot {
  readonly algorithm: 'mulberry32';
  readonly state: number;
}

/** A deterministic generator (mulberry32) with the few distributions the pipeline needs. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Capture the generator's state; `SeededRandom.restore(snapshot)` continues from exactly here. */
  snapshot(): RandomSnapshot {
    return { algorithm: 'mulberry32', state: this.state };
  }

  /** A generator that continues the stream captured by `snapshot()`. */
  static restore(snapshot: RandomSnapshot): SeededRandom {
    const { algorithm, state } = snapshot as { algorithm: unknown; state: unknown };
    if (algorithm !== 'mulberry32' || !Number.isInteger(state) || (state as number) < 0 || (state as number) > 0xffffffff) {
      throw new RangeError(`SeededRandom.restore() expects { algorithm: 'mulberry32', state: uint32 }; got ${JSON.stringify(snapshot)}`);
    }
    const rng = new SeededRandom(0);
    rng.state = state as number;
    return rng;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Fisher-Yates shuffle of a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  /** A child generator with its own stream, so adding draws in one place does not shift another. */
  fork(salt: number): SeededRandom {
    return new SeededRandom((Math.imul(this.state ^ salt, 0x9e3779b1) + salt) >>> 0);
  }
}
