// Turns the first SIGINT/SIGTERM into an AbortSignal so long stages stop cleanly; a second one quits at once.

import type { Reporter } from '@whittle/datasets';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Run `task` with an AbortSignal that fires on the first SIGINT or SIGTERM. Our handlers are removed on that first
 * signal, so a second one gets Node's default behaviour (exit) for a user who does not want to wait for the step.
 * @example await withInterruptSignal(io.reporter, (signal) => runTrainStage({ ..., signal }))
 */
export async function withInterruptSignal<T>(reporter: Reporter, task: (signal: AbortSignal) => Promise<T>, source: NodeJS.EventEmitter = process): Promise<T> {
  const controller = new AbortController();
  const detach = () => SIGNALS.forEach((s) => source.removeListener(s, onSignal));
  function onSignal(name: NodeJS.Signals): void {
    detach();
    reporter.warn(`${name}: stopping after the current step; nothing half-written is saved (send ${name} again to quit at once)`);
    controller.abort(new Error(`received ${name}`));
  }
  SIGNALS.forEach((s) => source.on(s, onSignal));
  try {
    return await task(controller.signal);
  } finally {
    detach();
  }
}
