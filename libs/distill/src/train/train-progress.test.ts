// The training progress line: fixed format, whole-run ETA, durations past an hour.
import { describe, expect, it } from 'vitest';
import { formatDuration, formatTrainProgress } from './train-progress.ts';

describe('formatTrainProgress', () => {
  it('shows position, loss, accuracy, throughput and the ETA of the whole run', () => {
    const line = formatTrainProgress({ epoch: 3, epochs: 12, step: 40, stepsPerEpoch: 130, loss: 0.21, accuracy: 0.94, samplesPerSecond: 148.4, stepsLeft: 1260, secondsPerStep: 0.2956 });
    expect(line).toBe('epoch 3/12 step 40/130 loss 0.2100 acc 0.940 148 samples/s ETA 06:12');
  });

  it('formats durations as mm:ss, h:mm:ss past an hour, and --:-- when unknown', () => {
    expect(formatDuration(0)).toBe('00:00');
    expect(formatDuration(59.6)).toBe('01:00');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Number.NaN)).toBe('--:--');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('--:--');
  });
});
