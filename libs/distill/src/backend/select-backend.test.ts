// Backend selection: priority order, failure reasons kept, and a clear error when nothing loads.
import { describe, expect, it } from 'vitest';
import { candidatesFor, DEFAULT_BACKEND_CANDIDATES } from './candidates.ts';
import { selectBackend, type BackendCandidate } from './select-backend.ts';

const fake = (name: string, priority: number, error?: string, loaded: string[] = []): BackendCandidate => ({
  name,
  priority,
  async load() {
    loaded.push(name);
    if (error !== undefined) throw new Error(error);
  },
});

describe('selectBackend', () => {
  it('tries by priority and keeps why earlier candidates failed', async () => {
    const order: string[] = [];
    const got = await selectBackend([fake('c', 2, undefined, order), fake('a', 0, 'no libtensorflow', order), fake('b', 1, undefined, order)]);
    expect(got).toEqual({ name: 'b', failures: [{ name: 'a', reason: 'no libtensorflow' }] });
    expect(order).toEqual(['a', 'b']);
  });

  it('lists every candidate and reason when none loads', async () => {
    await expect(selectBackend([fake('x', 0, 'missing'), fake('y', 1, 'broken')])).rejects.toThrow('No tfjs backend could be loaded. Tried: x (missing); y (broken)');
  });

  it('falls back from the absent tfjs-node to wasm on this machine, or uses tfjs-node where it loads', async () => {
    const got = await selectBackend(DEFAULT_BACKEND_CANDIDATES);
    if (got.name === 'wasm') {
      expect(got.failures.map((f) => f.name)).toEqual(['tensorflow']);
      expect(got.failures[0]?.reason).toMatch(/tfjs-node/);
    } else {
      expect(got.name).toBe('tensorflow');
    }
  });

  it('a forced preference offers only that backend', () => {
    expect(candidatesFor('cpu').map((c) => c.name)).toEqual(['cpu']);
    expect(candidatesFor('auto').map((c) => c.name)).toEqual(['tensorflow', 'wasm', 'cpu']);
  });
});
