// SeededRandom snapshots: a restored generator continues the exact stream, and bad snapshots are refused.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from './random.ts';

describe('SeededRandom snapshot/restore', () => {
  it('continues the same stream after a JSON round trip', () => {
    const a = new SeededRandom(1234);
    a.shuffle([1, 2, 3, 4, 5]);
    a.normal();
    const snapshot = JSON.parse(JSON.stringify(a.snapshot())) as ReturnType<SeededRandom['snapshot']>;
    const b = SeededRandom.restore(snapshot);
    const fromA = [a.next(), a.int(0, 99), a.normal(), ...a.shuffle([0, 1, 2, 3, 4, 5, 6, 7])];
    const fromB = [b.next(), b.int(0, 99), b.normal(), ...b.shuffle([0, 1, 2, 3, 4, 5, 6, 7])];
    expect(fromB).toEqual(fromA);
  });

  it('snapshots the state, not a seed: a fresh generator with the same seed differs after draws', () => {
    const a = new SeededRandom(7);
    const first = a.next();
    expect(SeededRandom.restore(a.snapshot()).next()).not.toBe(first);
    expect(a.snapshot()).toEqual({ algorithm: 'mulberry32', state: (7 + 0x6d2b79f5) >>> 0 });
  });

  it('refuses a snapshot of another algorithm or a non-uint32 state', () => {
    expect(() => SeededRandom.restore({ algorithm: 'xorshift' as 'mulberry32', state: 1 })).toThrow(/expects \{ algorithm: 'mulberry32'/);
    expect(() => SeededRandom.restore({ algorithm: 'mulberry32', state: -1 })).toThrow(RangeError);
  });
});
