// The batch loop every teacher runs: fixed-size row ranges, progress after each, a stop between any two.

import { WhittleError } from '@whittle/datasets';
import type { ResolvedTeacherOptions } from './teacher-options.ts';

/**
 * Call `run(start, n)` for consecutive ranges of `count` rows, `batchSize` at a time, reporting progress under
 * `stage` and throwing an INTERRUPTED WhittleError at the first batch boundary after `signal` aborts.
 */
export async function forEachBatch(
  count: number,
  stage: string,
  options: Pick<ResolvedTeacherOptions, 'batchSize' | 'reporter' | 'signal'>,
  run: (start: number, n: number) => Promise<void> | void,
): Promise<void> {
  const { batchSize, reporter, signal } = options;
  reporter.progress({ stage, done: 0, total: count });
  for (let start = 0; start < count; start += batchSize) {
    if (signal?.aborted === true) {
      throw new WhittleError('INTERRUPTED', `${stage}: stopped after ${start} of ${count} rows`, { hint: 'partial logits are not kept; a rerun starts over' });
    }
    const n = Math.min(batchSize, count - start);
    await run(start, n);
    reporter.progress({ stage, done: start + n, total: count });
  }
}
