// Which engine and voice a clip came from, read off its speaker id (`<engine>-<voice>-<variant>_nohash_<k>.wav`).

import { basename } from 'node:path';
import { selectRows, type FeatureSet } from '@whittle/datasets';
import type { MonitorSet } from '@whittle/distill';

/** The speaker id of a clip id (a path), or undefined for rows that are no one's speech (`_silence_` windows). */
export function speakerOf(id: string): string | undefined {
  const file = basename(id);
  const match = /^(.+)_nohash_\d+\.wav$/.exec(file);
  return match?.[1];
}

/** 'espeak', 'flite', 'festival', ... of a clip id; undefined for silence windows. */
export function engineOf(id: string): string | undefined {
  return speakerOf(id)?.split('-')[0];
}

/** The voice of a clip: its speaker id without the variant (`flite-kal-f0hi` -> `flite-kal`). */
export function voiceOf(id: string): string | undefined {
  const speaker = speakerOf(id);
  if (speaker === undefined) return undefined;
  const parts = speaker.split('-');
  return parts.length <= 2 ? speaker : parts.slice(0, -1).join('-');
}

/** Row indices of `set` whose clip satisfies `keep`. */
export function rowsWhere(set: FeatureSet, keep: (id: string) => boolean): number[] {
  const rows: number[] = [];
  set.ids.forEach((id, i) => {
    if (keep(id)) rows.push(i);
  });
  return rows;
}

/** The rows of `set` whose clip satisfies `keep`, as a new set. */
export function subsetWhere(set: FeatureSet, keep: (id: string) => boolean): FeatureSet {
  return selectRows(set, rowsWhere(set, keep));
}

/** Several sets with the same geometry, one after another. */
export function concatSets(sets: readonly FeatureSet[]): FeatureSet {
  const first = sets[0];
  if (first === undefined) throw new Error('concatSets needs at least one set');
  const features = new Float32Array(sets.reduce((n, s) => n + s.features.length, 0));
  const labels = new Int32Array(sets.reduce((n, s) => n + s.count, 0));
  let f = 0;
  let l = 0;
  for (const s of sets) {
    features.set(s.features, f);
    labels.set(s.labels, l);
    f += s.features.length;
    l += s.count;
  }
  return { features, frames: first.frames, bins: first.bins, count: labels.length, labels, ids: sets.flatMap((s) => s.ids) };
}

/** Accuracy of one group of clips (a voice, an engine, a split). */
export interface GroupAccuracy {
  readonly group: string;
  readonly clips: number;
  readonly accuracy: number;
}

/** Top-1 accuracy overall and per voice (silence windows count in the overall figure only), weakest voice first. */
export function accuracyByVoice(set: FeatureSet, predicted: Int32Array, group: string): { overall: GroupAccuracy; perVoice: GroupAccuracy[] } {
  const byVoice = new Map<string, { clips: number; correct: number }>();
  let correct = 0;
  set.ids.forEach((id, i) => {
    const hit = predicted[i] === set.labels[i] ? 1 : 0;
    correct += hit;
    const voice = voiceOf(id);
    if (voice === undefined) return;
    const v = byVoice.get(voice) ?? { clips: 0, correct: 0 };
    v.clips++;
    v.correct += hit;
    byVoice.set(voice, v);
  });
  const perVoice = [...byVoice].map(([voice, v]) => ({ group: voice, clips: v.clips, accuracy: v.correct / v.clips })).sort((a, b) => a.accuracy - b.accuracy || a.group.localeCompare(b.group));
  return { overall: { group, clips: set.count, accuracy: set.count === 0 ? 0 : correct / set.count }, perVoice };
}

/** `set` as training monitor sets: all of it under `name`, then each voice's clips under the voice's name, sorted. */
export function monitorSetsByVoice(set: FeatureSet, name: string): MonitorSet[] {
  const voices = [...new Set(set.ids.map(voiceOf).filter((v): v is string => v !== undefined))].sort();
  return [{ name, set }, ...voices.map((voice) => ({ name: voice, set: subsetWhere(set, (id) => voiceOf(id) === voice) }))];
}
