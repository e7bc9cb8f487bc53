// The error a training run throws when its AbortSignal fires: where it stopped and what a resume will continue from.

import { WhittleError } from '@whittle/datasets';

/** Training stopped between steps on request; nothing half-written was saved. */
export class TrainingInterruptedError extends WhittleError {
  /** Epoch that was running (1-based) and how many of its steps had finished. */
  readonly epoch: number;
  readonly stepsDone: number;
  /** Epoch of the last complete checkpoint, or undefined when none exists (or checkpointing is off). */
  readonly checkpointEpoch: number | undefined;

  constructor(where: { epoch: number; epochs: number; stepsDone: number; stepsPerEpoch: number; globalStep: number }, checkpoint: { dir: string | undefined; epoch: number | undefined }) {
    const at =
      where.stepsDone === 0
        ? `before the first step of epoch ${where.epoch}/${where.epochs}`
        : `at epoch ${where.epoch}/${where.epochs}, step ${where.stepsDone}/${where.stepsPerEpoch}`;
    const resume =
      checkpoint.dir === undefined
        ? 'checkpoints were off (no checkpointDir), so a rerun starts from epoch 1'
        : checkpoint.epoch === undefined
          ? `no epoch had finished, so there is no checkpoint in ${checkpoint.dir} and a rerun starts from epoch 1`
          : `\`--resume\` continues from the last checkpoint (epoch ${checkpoint.epoch}) in ${checkpoint.dir}`;
    super('INTERRUPTED', `Training interrupted ${at} (global step ${where.globalStep}); ${resume}`, {
      hint: checkpoint.epoch === undefined ? 'rerun the same command to start over' : 'rerun the same command with --resume (library: trainClassifier option resume: true)',
    });
    this.epoch = where.epoch;
    this.stepsDone = where.stepsDone;
    this.checkpointEpoch = checkpoint.epoch;
  }
}
