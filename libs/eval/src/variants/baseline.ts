// Which variant the others are compared against.

import { WhittleError } from '@whittle/datasets';

/** The id compared against when none is given; transformers.js names the unquantized file fp32. */
export const DEFAULT_BASELINE_ID = 'fp32';

/**
 * The baseline id among `ids`. An explicit `requested` id must exist; without one, 'fp32' is used when
 * present, else the first variant, so evaluating e.g. a lone int8 file still yields a coherent report.
 * Returns undefined only for an empty list.
 */
export function resolveBaseline(ids: readonly string[], requested: string | undefined, caller: string): string | undefined {
  if (requested !== undefined) {
    if (!ids.includes(requested)) {
      throw new WhittleError('INVALID_ARGUMENT', `Option 'baseline' passed to '${caller}' must be one of the variant ids (${ids.join(', ')}); got '${requested}'`);
    }
    return requested;
  }
  return ids.includes(DEFAULT_BASELINE_ID) ? DEFAULT_BASELINE_ID : ids[0];
}
