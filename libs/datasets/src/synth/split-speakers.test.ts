// Speaker hold-out: whole speakers, per engine, at least one per held-out split, seeded.
import { describe, expect, it } from 'vitest';
import type { SynthSpeaker } from './speech-engine.ts';
import { splitSpeakers } from './split-speakers.ts';

const speakers = (engine: 'espeak' | 'flite', n: number): SynthSpeaker[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${engine}-v${i}`, engine, voice: `v${i}`, variant: 'base' }));

function tally(splits: Map<string, string>, prefix: string): Record<string, number> {
  const out: Record<string, number> = { training: 0, validation: 0, testing: 0 };
  for (const [id, split] of splits) if (id.startsWith(prefix)) out[split] = (out[split] ?? 0) + 1;
  return out;
}

describe('splitSpeakers', () => {
  it('takes the fractions within each engine, rounding up to one speaker', () => {
    const splits = splitSpeakers([...speakers('espeak', 40), ...speakers('flite', 5)], 0.1, 0.1, 1);
    expect(tally(splits, 'espeak')).toEqual({ training: 32, validation: 4, testing: 4 });
    expect(tally(splits, 'flite')).toEqual({ training: 3, validation: 1, testing: 1 });
  });

  it('keeps a training speaker when an engine has too few, and is seeded', () => {
    expect(tally(splitSpeakers(speakers('flite', 2), 0.1, 0.1, 1), 'flite')).toEqual({ training: 1, validation: 1, testing: 0 });
    expect(tally(splitSpeakers(speakers('flite', 1), 0.1, 0.1, 1), 'flite')).toEqual({ training: 1, validation: 0, testing: 0 });
    const all = speakers('espeak', 30);
    expect(splitSpeakers(all, 0.2, 0.2, 7)).toEqual(splitSpeakers([...all].reverse(), 0.2, 0.2, 7));
    expect([...splitSpeakers(all, 0.2, 0.2, 7)]).not.toEqual([...splitSpeakers(all, 0.2, 0.2, 8)]);
  });
});
