// feedBatches: consecutive feeds concatenated up to batchSize, split where non-batch dims change, streamed, with named errors.
import { describe, expect, it } from 'vitest';
import { feedBatches, type FeedBatch } from './feed-batches.ts';
import type { CalibrationFeed } from './run-calibration.ts';

/** A feed of `rows` rows of width `width` for inputs a and b, values start, start+1, ... (b negated). */
function feed(rows: number, width: number, start: number): CalibrationFeed {
  const a = Float32Array.from({ length: rows * width }, (_, i) => start + i);
  return { a: { data: a, dims: [rows, width] }, b: { data: a.map((v) => -v), dims: [rows, width] } };
}

async function collect(feeds: Iterable<CalibrationFeed> | AsyncIterable<CalibrationFeed>, batchSize: number): Promise<FeedBatch[]> {
  const out: FeedBatch[] = [];
  for await (const batch of feedBatches(feeds, ['a', 'b'], batchSize, 'test')) out.push(batch);
  return out;
}

describe('feedBatches', () => {
  it('concatenates up to batchSize feeds per batch along the batch axis, every input alike', async () => {
    const batches = await collect([feed(1, 2, 0), feed(2, 2, 10), feed(1, 2, 20)], 2);
    expect(batches.map((b) => b.samples)).toEqual([3, 1]);
    expect(batches[0]?.inputs.a?.dims).toEqual([3, 2]);
    expect(Array.from(batches[0]?.inputs.a?.data as Float32Array)).toEqual([0, 1, 10, 11, 12, 13]);
    expect(Array.from(batches[0]?.inputs.b?.data as Float32Array)).toEqual([-0, -1, -10, -11, -12, -13]);
    expect(Array.from(batches[1]?.inputs.a?.data as Float32Array)).toEqual([20, 21]);
  });

  it('starts a new batch when the non-batch dims change', async () => {
    const batches = await collect([feed(1, 2, 0), feed(1, 3, 0), feed(1, 3, 5)], 8);
    expect(batches.map((b) => b.inputs.a?.dims)).toEqual([
      [1, 2],
      [2, 3],
    ]);
  });

  it('yields each batch before reading past the next feed, so a long source is not buffered', async () => {
    const pulled: number[] = [];
    async function* source(): AsyncGenerator<CalibrationFeed> {
      for (let i = 0; i < 5; i++) {
        pulled.push(i);
        yield feed(1, 2, i);
      }
    }
    const seen: number[] = [];
    for await (const batch of feedBatches(source(), ['a', 'b'], 2, 'test')) seen.push(pulled.length, batch.samples);
    expect(seen).toEqual([3, 2, 5, 2, 5, 1]);
  });

  it('yields nothing for no feeds and names the caller, the feed and the inputs in errors', async () => {
    expect(await collect([], 4)).toEqual([]);
    expect(() => feedBatches([], ['a'], 0, 'collectThings')).toThrow("Argument 'batchSize' passed to 'collectThings' must be a positive integer; got 0");
    await expect(collect([{ a: feed(1, 2, 0).a as CalibrationFeed[string] }], 4)).rejects.toThrow("Feed passed to 'test' has inputs [a]; the model expects [a, b]");
    const labelled = feedBatches([{ x: { data: Float32Array.of(1), dims: [1, 1] } }], ['a'], 1, 'test', 'Calibration feed');
    await expect(labelled.next()).rejects.toThrow('Calibration feed has inputs [x]; the model expects [a]');
  });
});
