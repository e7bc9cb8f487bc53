// Report sections on voices and engines the model never trained on: the generalization gap per variant, per voice, and leave-one-engine-out.

import type { ReportSection } from '@whittle/eval';
import type { EngineHoldoutResult } from './leave-one-engine-out.ts';
import type { GroupAccuracy } from './speaker-groups.ts';

/** One variant of the published model on its own test split and on the unseen engine. */
export interface UnseenVariantResult {
  readonly id: string;
  readonly testAccuracy: number;
  readonly unseen: GroupAccuracy;
  /** Weakest voice first. */
  readonly perVoice: readonly GroupAccuracy[];
}

/** MLPerf Tiny's keyword-spotting quality target, and the largest gap to in-distribution accuracy the issue allows. */
export const UNSEEN_TARGET = Object.freeze({ accuracy: 0.9, maxGapPoints: 3 });

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
const gap = (a: number, b: number): string => ((a - b) * 100).toFixed(2);

/** Whether the weakest voice meets both targets: it decides, not the average. */
export function meetsUnseenTarget(result: UnseenVariantResult): boolean {
  const weakest = result.perVoice[0]?.accuracy ?? result.unseen.accuracy;
  return weakest >= UNSEEN_TARGET.accuracy && (result.testAccuracy - weakest) * 100 <= UNSEEN_TARGET.maxGapPoints;
}

export function unseenEngineSection(results: readonly UnseenVariantResult[], unseenClips: number): ReportSection {
  return {
    title: 'Generalization: in-distribution test vs an unseen engine',
    text:
      `The unseen engine is festival (${unseenClips} clips), which no model of this job trains on. Target per variant: every festival voice at least ` +
      `${UNSEEN_TARGET.accuracy * 100}% and within ${UNSEEN_TARGET.maxGapPoints} points of the in-distribution test accuracy; the weakest voice decides.`,
    table: {
      header: ['variant', 'in-distribution test', 'unseen engine', 'gap (points)', 'weakest voice', 'target'],
      rows: results.map((r) => {
        const weakest = r.perVoice[0];
        return [r.id, pct(r.testAccuracy), pct(r.unseen.accuracy), gap(r.testAccuracy, r.unseen.accuracy), weakest === undefined ? 'n/a' : `${weakest.group} ${pct(weakest.accuracy)}`, meetsUnseenTarget(r) ? 'met' : 'not met'];
      }),
      align: ['l', 'r', 'r', 'r', 'l', 'l'],
    },
  };
}

/** Every unseen voice (rows) for every variant (columns). */
export function unseenVoicesSection(results: readonly UnseenVariantResult[]): ReportSection {
  const voices = [...new Set(results.flatMap((r) => r.perVoice.map((v) => v.group)))].sort();
  return {
    title: 'Unseen engine per voice',
    table: {
      header: ['voice', 'clips', ...results.map((r) => r.id)],
      rows: voices.map((voice) => {
        const clips = results[0]?.perVoice.find((v) => v.group === voice)?.clips ?? 0;
        return [voice, String(clips), ...results.map((r) => {
          const v = r.perVoice.find((x) => x.group === voice);
          return v === undefined ? 'n/a' : pct(v.accuracy);
        })];
      }),
      align: ['l', 'r', ...results.map(() => 'r' as const)],
    },
  };
}

export function leaveOneEngineOutSection(holdouts: readonly EngineHoldoutResult[]): ReportSection {
  return {
    title: 'Leave-one-engine-out (the shipped recipe, tfjs fp32)',
    text:
      'The student\'s recipe trained again without one engine (its clips removed from training and validation, features normalised with the remaining training clips), ' +
      'then measured on the test split of the engines it did hear, on every clip of the engine it did not, and on the unseen engine.',
    table: {
      header: ['trained without', 'training clips', 'validation', 'in-distribution test', 'held-out engine', 'gap (points)', 'weakest held-out voice', 'unseen engine'],
      rows: holdouts.map((h) => [
        h.heldOut,
        h.trainClips.toLocaleString('en-US'),
        pct(h.validationAccuracy),
        pct(h.inDistribution.accuracy),
        `${pct(h.heldOutEngine.accuracy)} (${h.heldOutEngine.clips})`,
        gap(h.inDistribution.accuracy, h.heldOutEngine.accuracy),
        h.heldOutVoices[0] === undefined ? 'n/a' : `${h.heldOutVoices[0].group} ${pct(h.heldOutVoices[0].accuracy)}`,
        h.unseenEngine === undefined ? 'n/a' : pct(h.unseenEngine.accuracy),
      ]),
      align: ['l', 'r', 'r', 'r', 'r', 'r', 'l', 'r'],
    },
  };
}

/** One real recording's prediction by each variant: label and softmax score of the top class. */
export interface RealSpeechPrediction {
  readonly clip: string;
  readonly label: string;
  readonly predictions: Readonly<Record<string, { readonly label: string; readonly score: number }>>;
}

export function realSpeechSection(predictions: readonly RealSpeechPrediction[], variants: readonly string[]): ReportSection {
  const correct = (v: string) => predictions.filter((p) => p.predictions[v]?.label === p.label).length;
  return {
    title: 'Real speech sanity check (pocketsphinx-testdata)',
    text:
      `Human recordings cut from Debian's pocketsphinx-testdata (data/real-speech: offsets and checks in its manifest). Correct: ${variants.map((v) => `${v} ${correct(v)}/${predictions.length}`).join(', ')}. ` +
      'Four clips are a sanity check, not a benchmark. Each 1 s window is centred on the word and also holds the words around it.',
    table: {
      header: ['clip', 'label', ...variants],
      rows: predictions.map((p) => [p.clip, p.label, ...variants.map((v) => {
        const x = p.predictions[v];
        return x === undefined ? 'n/a' : `${x.label} (${x.score.toFixed(3)})`;
      })]),
      align: ['l', 'l', ...variants.map(() => 'l' as const)],
    },
  };
}
