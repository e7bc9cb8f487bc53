// The error a data-parallel step throws when one of its worker threads fails: which worker, doing what, and why.

import { WhittleError, type WhittleErrorCode } from '@whittle/datasets';

const CODES: readonly WhittleErrorCode[] = ['INVALID_ARGUMENT', 'INVALID_CONFIG', 'BAD_FILE', 'UNSUPPORTED', 'MISSING_TOOL', 'NOT_FOUND', 'ALREADY_EXISTS', 'NUMERIC', 'BACKEND', 'INTERRUPTED'];

/**
 * A gradient worker threw, crashed or exited. Keeps the worker's own error code when it threw a WhittleError (a bad
 * config fails the same way on every thread), else BACKEND.
 */
export class GradientWorkerError extends WhittleError {
  /** 1-based worker thread index (0 is the main thread, which throws its own errors directly). */
  readonly workerIndex: number;

  constructor(workerIndex: number, workers: number, doing: string, message: string, code?: string) {
    super(CODES.includes(code as WhittleErrorCode) ? (code as WhittleErrorCode) : 'BACKEND', `Gradient worker ${workerIndex} of ${workers} failed ${doing}: ${message}`, {
      hint: 'train with workers: 1 (--workers 1) to get the same failure, if it is one, from the main thread',
    });
    this.workerIndex = workerIndex;
  }
}
