// Chosen rows of a row-major sample array as feeds of one graph input, in batches: the calibration set QAT and the workbench build.

import { WhittleError } from '@whittle/datasets';
import type { CalibrationFeed } from './run-calibration.ts';

/** Rows per feed when the caller does not say. */
export const DEFAULT_ROW_FEED_BATCH = 32;

/** Row-major samples: `x` holds dims[0] rows of dims.slice(1) (the graph input's shape without its batch axis). */
export interface RowMajorSamples {
  readonly x: Float32Array;
  readonly dims: readonly number[];
}

export interface RowFeedsOptions {
  /** The graph input the feeds are for. */
  readonly inputName: string;
  /** The public function the rows were passed to, named in errors. */
  readonly caller: string;
  /** Rows per feed (the last feed holds the rest); default DEFAULT_ROW_FEED_BATCH. */
  readonly batch?: number;
}

/**
 * `rows` of `samples`, copied in the order given into feeds of `inputName` holding up to `batch` rows
 * each. An array, not a generator: calibrators may each run once over it.
 *
 * @example
 * const feeds = rowFeeds({ x: set.features, dims: [set.count, set.frames, set.bins] }, [4, 0, 7], { inputName: 'input_values', caller: 'calibrate' });
 */
export function rowFeeds(samples: RowMajorSamples, rows: readonly number[], options: RowFeedsOptions): CalibrationFeed[] {
  const { inputName, caller, batch = DEFAULT_ROW_FEED_BATCH } = options;
  // A batch below one would never advance through the rows.
  if (!Number.isInteger(batch) || batch < 1) throw new WhittleError('INVALID_ARGUMENT', `Option 'batch' passed to '${caller}' must be a positive integer; got ${batch}`);
  const [count = 0, ...sample] = samples.dims;
  const stride = sample.reduce((a, b) => a * b, 1);
  const feeds: CalibrationFeed[] = [];
  for (let start = 0; start < rows.length; start += batch) {
    const chunk = rows.slice(start, start + batch);
    const data = new Float32Array(chunk.length * stride);
    chunk.forEach((row, i) => {
      if (!Number.isInteger(row) || row < 0 || row >= count) throw new WhittleError('INVALID_ARGUMENT', `Argument 'rows' passed to '${caller}' must be row indices in [0, ${count}); got ${row}`);
      data.set(samples.x.subarray(row * stride, (row + 1) * stride), i * stride);
    });
    feeds.push({ [inputName]: { data, dims: [chunk.length, ...sample] } });
  }
  return feeds;
}
