// Fraction of predictions that match their labels.

import { WhittleError } from '@whittle/datasets';

/** Share of rows where `predicted[i] === labels[i]`; 0 for an empty set (nothing was right). */
export function accuracy(predicted: Int32Array, labels: Int32Array): number {
  if (predicted.length !== labels.length) {
    throw new WhittleError('INVALID_ARGUMENT', `Arguments 'predicted' and 'labels' passed to 'accuracy' must have the same length; got ${predicted.length} and ${labels.length}`);
  }
  if (labels.length === 0) return 0;
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
  return right / labels.length;
}
