// Mixup (Zhang et al. 2018): a batch trained on convex combinations of its own rows and of their targets.

import type { SeededRandom } from '@whittle/datasets';
import { sampleBeta } from './beta-sampler.ts';

export interface MixupConfig {
  /** Chance that a batch is mixed; 0 turns mixup off (and draws nothing from the generator). */
  readonly probability: number;
  /** λ ~ Beta(alpha, alpha): a small alpha keeps most mixes close to one of the two rows. */
  readonly alpha: number;
}

/** Off; alpha is what setting only `probability` gets: 0.2, inside the 0.1–0.4 Zhang et al. found to help on ImageNet. */
export const NO_MIXUP: MixupConfig = Object.freeze({ probability: 0, alpha: 0.2 });

/** How one batch is mixed: row i becomes λ·row i + (1−λ)·row partners[i]. */
export interface MixupDraw {
  readonly lambda: number;
  /** A permutation of the batch's rows. */
  readonly partners: Int32Array;
}

/**
 * Whether and how a batch of `count` rows is mixed, drawn from `rng`: a coin with `probability`, then λ and a
 * permutation. Nothing is drawn when mixup is off, so an unmixed run's random stream is the one it always was.
 */
export function drawMixup(config: MixupConfig, count: number, rng: SeededRandom): MixupDraw | undefined {
  if (config.probability <= 0 || rng.next() >= config.probability) return undefined;
  const lambda = sampleBeta(rng, config.alpha, config.alpha);
  const partners = Int32Array.from(rng.shuffle(Array.from({ length: count }, (_, i) => i)));
  return { lambda, partners };
}

/** Mix `partners.length` rows of `width` values in place; `scratch` (at least as long) receives the unmixed rows. */
export function mixRows(values: Float32Array, width: number, draw: MixupDraw, scratch: Float32Array): void {
  const { lambda, partners } = draw;
  const n = partners.length * width;
  scratch.set(values.subarray(0, n));
  for (let i = 0; i < partners.length; i++) {
    const own = i * width;
    const other = (partners[i] as number) * width;
    for (let k = 0; k < width; k++) values[own + k] = lambda * (scratch[own + k] as number) + (1 - lambda) * (scratch[other + k] as number);
  }
}

/**
 * Write each mixed row's target distribution λ·onehot(label i) + (1−λ)·onehot(label of its partner) into `targets`
 * (rows × numClasses), then replace each label by the one with the larger share (the row's own on a tie): the loss
 * learns from the targets, the labels only count training hits.
 */
export function mixTargets(labels: Int32Array, numClasses: number, draw: MixupDraw, targets: Float32Array): void {
  const { lambda, partners } = draw;
  const own = labels.slice(0, partners.length);
  targets.fill(0, 0, partners.length * numClasses);
  for (let i = 0; i < partners.length; i++) {
    const other = own[partners[i] as number] as number;
    targets[i * numClasses + (own[i] as number)] = lambda;
    // += : a row mixed with a row of its own class keeps a one-hot target.
    targets[i * numClasses + other] = (targets[i * numClasses + other] as number) + (1 - lambda);
    labels[i] = lambda >= 0.5 ? (own[i] as number) : other;
  }
}

/**
 * Mix teacher logits so that their softmax at `temperature` is the λ-mixture of the two rows' softmaxes:
 * logits_i = T·log(λ·softmax(t_i/T) + (1−λ)·softmax(t_j/T)). Then the distillation term's cross-entropy part is
 * λ·CE(teacher_i, student) + (1−λ)·CE(teacher_j, student), the same decomposition mixup gives the hard labels. Mixing
 * the logits linearly instead would make the target a normalised geometric mean of the two distributions, which is
 * not what the mixed input's targets are anywhere else. (Running the teacher on the mixed input would be better
 * still, but its logits are cached per row.) `scratch` (at least rows × numClasses) receives the unmixed logits.
 */
export function mixTeacherLogits(logits: Float32Array, numClasses: number, temperature: number, draw: MixupDraw, scratch: Float32Array): void {
  const { lambda, partners } = draw;
  const rows = partners.length;
  scratch.set(logits.subarray(0, rows * numClasses));
  const probs = new Float64Array(rows * numClasses);
  for (let i = 0; i < rows; i++) {
    let max = -Infinity;
    for (let c = 0; c < numClasses; c++) max = Math.max(max, (scratch[i * numClasses + c] as number) / temperature);
    let sum = 0;
    for (let c = 0; c < numClasses; c++) sum += probs[i * numClasses + c] = Math.exp((scratch[i * numClasses + c] as number) / temperature - max);
    for (let c = 0; c < numClasses; c++) probs[i * numClasses + c] = (probs[i * numClasses + c] as number) / sum;
  }
  for (let i = 0; i < rows; i++) {
    const j = partners[i] as number;
    for (let c = 0; c < numClasses; c++) {
      const p = lambda * (probs[i * numClasses + c] as number) + (1 - lambda) * (probs[j * numClasses + c] as number);
      // A class both teachers rule out entirely would give log 0 and a NaN in the KL term; the floor keeps it finite.
      logits[i * numClasses + c] = temperature * Math.log(Math.max(p, Number.MIN_VALUE));
    }
  }
}
