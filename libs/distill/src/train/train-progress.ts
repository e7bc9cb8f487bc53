// The one-line detail of a training step's progress event: position, running loss/accuracy, throughput, whole-run ETA.

/** Where a run is and how fast it goes; `secondsPerStep` is measured in this session (steps, validation and checkpoints). */
export interface TrainProgressSnapshot {
  readonly epoch: number;
  readonly epochs: number;
  readonly step: number;
  readonly stepsPerEpoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly samplesPerSecond: number;
  /** Steps left in the whole run (not just this epoch); early stopping can only make it shorter. */
  readonly stepsLeft: number;
  readonly secondsPerStep: number;
}

/** `mm:ss`, or `h:mm:ss` from one hour; `--:--` while unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  const hours = Math.floor(s / 3600);
  const rest = `${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  return hours > 0 ? `${hours}:${rest}` : rest;
}

/**
 * The detail string of a training progress event.
 * @example formatTrainProgress({ epoch: 3, epochs: 12, step: 40, stepsPerEpoch: 130, loss: 0.21, accuracy: 0.94,
 *   samplesPerSecond: 148, stepsLeft: 1260, secondsPerStep: 0.2956 }) // 'epoch 3/12 step 40/130 loss 0.2100 acc 0.940 148 samples/s ETA 06:12'
 */
export function formatTrainProgress(p: TrainProgressSnapshot): string {
  return (
    `epoch ${p.epoch}/${p.epochs} step ${p.step}/${p.stepsPerEpoch} loss ${p.loss.toFixed(4)} acc ${p.accuracy.toFixed(3)} ` +
    `${p.samplesPerSecond.toFixed(0)} samples/s ETA ${formatDuration(p.stepsLeft * p.secondsPerStep)}`
  );
}
