// rowFeeds: the chosen rows copied, in order, into feeds of at most `batch` rows, dims from the samples, errors naming the caller.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ROW_FEED_BATCH, rowFeeds } from './row-feeds.ts';

/** `count` rows of 2 x 3 values, every value of row r equal to r, so a fed row names itself. */
function rowsNamed(count: number): { x: Float32Array; dims: number[] } {
  const x = new Float32Array(count * 6);
  for (let r = 0; r < count; r++) x.fill(r, r * 6, (r + 1) * 6);
  return { x, dims: [count, 2, 3] };
}

/** The row values each feed of input `name` holds, one array per row. */
function fedRows(feeds: ReturnType<typeof rowFeeds>, name: string): number[][] {
  return feeds.flatMap((f) => {
    const t = f[name] as { data: Float32Array; dims: readonly number[] };
    return Array.from({ length: t.dims[0] as number }, (_, i) => Array.from(t.data.subarray(i * 6, (i + 1) * 6)));
  });
}

describe('rowFeeds', () => {
  it('copies the rows in the order given into feeds of at most 32 rows by default, dims from the samples', () => {
    expect(DEFAULT_ROW_FEED_BATCH).toBe(32);
    const rows = Array.from({ length: 40 }, (_, i) => (i * 7) % 50);
    const feeds = rowFeeds(rowsNamed(50), rows, { inputName: 'x', caller: 'test' });
    expect(feeds.map((f) => Object.keys(f))).toEqual([['x'], ['x']]);
    expect(feeds.map((f) => f.x?.dims)).toEqual([
      [32, 2, 3],
      [8, 2, 3],
    ]);
    expect(fedRows(feeds, 'x')).toEqual(rows.map((r) => Array(6).fill(r)));
  });

  it('takes another batch size, feeds nothing for no rows, and names the caller in errors', () => {
    const feeds = rowFeeds(rowsNamed(5), [4, 4, 0, 2, 1], { inputName: 'in', caller: 'test', batch: 2 });
    expect(feeds.map((f) => f.in?.dims[0])).toEqual([2, 2, 1]);
    expect(fedRows(feeds, 'in').map((r) => r[0])).toEqual([4, 4, 0, 2, 1]);
    expect(rowFeeds(rowsNamed(5), [], { inputName: 'in', caller: 'test' })).toEqual([]);
    expect(() => rowFeeds(rowsNamed(3), [0, 3], { inputName: 'in', caller: 'someCaller' })).toThrow("Argument 'rows' passed to 'someCaller' must be row indices in [0, 3); got 3");
    expect(() => rowFeeds(rowsNamed(3), [0.5], { inputName: 'in', caller: 'someCaller' })).toThrow('got 0.5');
    expect(() => rowFeeds(rowsNamed(3), [0], { inputName: 'in', caller: 'someCaller', batch: 0 })).toThrow("Option 'batch' passed to 'someCaller' must be a positive integer; got 0");
  });
});
