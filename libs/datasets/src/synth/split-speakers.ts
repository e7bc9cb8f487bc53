// Holds out whole synthetic speakers for validation and testing, stratified by engine.

import { SeededRandom } from '../core/random.ts';
import type { SpeechCommandsSplit } from '../speech-commands/hash-split.ts';
import type { SynthSpeaker } from './speech-engine.ts';

/**
 * Split of every speaker: within each engine a seeded shuffle, then `validationFraction` and
 * `testingFraction` of its speakers (at least one each when the fraction is non-zero and the engine
 * has a speaker to spare for training), so every split hears every engine.
 */
export function splitSpeakers(
  speakers: readonly SynthSpeaker[],
  validationFraction: number,
  testingFraction: number,
  seed: number,
): Map<string, SpeechCommandsSplit> {
  const out = new Map<string, SpeechCommandsSplit>();
  const engines = [...new Set(speakers.map((s) => s.engine))].sort();
  for (const [e, engine] of engines.entries()) {
    const ids = speakers.filter((s) => s.engine === engine).map((s) => s.id).sort();
    const shuffled = new SeededRandom(seed).fork(e + 1).shuffle(ids);
    const n = shuffled.length;
    const want = (fraction: number) => (fraction > 0 ? Math.max(1, Math.round(n * fraction)) : 0);
    // Training keeps at least one speaker; held-out splits shrink (testing first) to make room.
    let testing = want(testingFraction);
    let validation = want(validationFraction);
    while (validation + testing > n - 1 && (validation > 0 || testing > 0)) {
      if (testing >= validation && testing > 0) testing--;
      else validation--;
    }
    shuffled.forEach((id, i) => out.set(id, i < validation ? 'validation' : i < validation + testing ? 'testing' : 'training'));
  }
  return out;
}
