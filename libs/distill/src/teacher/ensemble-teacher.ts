// An ensemble teacher: its members' logits combined into the logits of their mean probabilities.

import { ConfigError, type FeatureSet } from '@whittle/datasets';
import type { ResolvedTeacherOptions } from './teacher-options.ts';
import type { TeacherSource } from './teacher-source.ts';

/**
 * Row-major logits [rows, classes] whose softmax is the mean of the members' softmaxes: log(mean_m softmax(z_m)).
 * Averaging probabilities (not logits) is what makes an ensemble's top class; the log makes the result a logit
 * again, so a distillation temperature T tempers the averaged distribution (softmax(log p / T) ∝ p^(1/T)).
 * Computed in float64 with each row's max subtracted; a probability that underflows is floored at 1e-30.
 * @example meanProbabilityLogits([Float32Array.of(2, 0), Float32Array.of(0, 0)], 2) // log([0.69, 0.31])
 */
export function meanProbabilityLogits(members: readonly Float32Array[], numClasses: number): Float32Array {
  const first = members[0];
  if (first === undefined) throw new ConfigError("'meanProbabilityLogits' needs at least one member's logits; got none");
  if (!Number.isInteger(numClasses) || numClasses < 1 || first.length % numClasses !== 0) {
    throw new ConfigError(`'meanProbabilityLogits' needs numClasses dividing the logits' length; got ${numClasses} classes for ${first.length} values`);
  }
  const bad = members.findIndex((m) => m.length !== first.length);
  if (bad >= 0) throw new ConfigError(`Ensemble member ${bad} has ${members[bad]?.length} logits; member 0 has ${first.length}: every member must score the same rows and classes`);
  const rows = first.length / numClasses;
  const out = new Float32Array(first.length);
  const mean = new Float64Array(numClasses);
  for (let r = 0; r < rows; r++) {
    mean.fill(0);
    for (const logits of members) {
      const base = r * numClasses;
      let max = -Infinity;
      for (let c = 0; c < numClasses; c++) max = Math.max(max, logits[base + c] as number);
      let sum = 0;
      for (let c = 0; c < numClasses; c++) sum += Math.exp((logits[base + c] as number) - max);
      for (let c = 0; c < numClasses; c++) mean[c] = (mean[c] as number) + Math.exp((logits[base + c] as number) - max) / sum / members.length;
    }
    for (let c = 0; c < numClasses; c++) out[r * numClasses + c] = Math.log(Math.max(mean[c] as number, 1e-30));
  }
  return out;
}

/** Logits of an ensemble: each member's (through `memberLogits`, one after another), combined by meanProbabilityLogits. */
export async function ensembleTeacherLogits(
  source: TeacherSource & { kind: 'ensemble' },
  set: FeatureSet,
  options: ResolvedTeacherOptions,
  memberLogits: (member: TeacherSource, set: FeatureSet) => Promise<Float32Array>,
): Promise<Float32Array> {
  checkEnsemble(source);
  const logits: Float32Array[] = [];
  for (const member of source.members) logits.push(await memberLogits(member, set));
  return meanProbabilityLogits(logits, options.labels.length);
}

/** An ensemble needs members, none of them an ensemble (one level keeps identities and messages readable). */
export function checkEnsemble(source: TeacherSource & { kind: 'ensemble' }): void {
  if (source.members.length === 0) throw new ConfigError("An 'ensemble' teacher needs at least one member; got none");
  const nested = source.members.findIndex((m) => m.kind === 'ensemble');
  if (nested >= 0) throw new ConfigError(`Ensemble teacher member ${nested} is itself an ensemble; list its members in the outer ensemble instead`);
}
