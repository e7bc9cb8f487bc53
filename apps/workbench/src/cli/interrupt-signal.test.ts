// withInterruptSignal: the first signal aborts and warns, a second one is left to Node, handlers never leak.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SILENT_REPORTER } from '@whittle/datasets';
import { withInterruptSignal } from './interrupt-signal.ts';

describe('withInterruptSignal', () => {
  it('aborts on the first SIGTERM, warns once, and detaches so a second signal gets the default', async () => {
    const source = new EventEmitter();
    const warnings: string[] = [];
    const reporter = { ...SILENT_REPORTER, warn: (m: string) => void warnings.push(m) };
    const seen = await withInterruptSignal(
      reporter,
      async (signal) => {
        expect(source.listenerCount('SIGINT')).toBe(1);
        expect(signal.aborted).toBe(false);
        source.emit('SIGTERM', 'SIGTERM');
        expect(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM')).toBe(0);
        return signal.aborted;
      },
      source,
    );
    expect(seen).toBe(true);
    expect(warnings).toEqual(['SIGTERM: stopping after the current step; nothing half-written is saved (send SIGTERM again to quit at once)']);
  });

  it('removes its handlers when the task fails without a signal', async () => {
    const source = new EventEmitter();
    await expect(withInterruptSignal(SILENT_REPORTER, () => Promise.reject(new Error('boom')), source)).rejects.toThrow('boom');
    expect(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM')).toBe(0);
  });
});
