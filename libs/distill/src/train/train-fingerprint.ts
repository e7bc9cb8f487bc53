// What a training run depends on (config, data, architecture), so a resume with anything changed is refused by name.

import { createHash } from 'node:crypto';
import type * as tf from '@tensorflow/tfjs';
import type { FeatureSet } from '@whittle/datasets';
import { DEFAULT_TRAIN_CONFIG, trainConfigIdentity, type TrainConfig, type TrainConfigIdentity } from './train-config.ts';
import { stableStringify } from './stable-stringify.ts';

/** A data split's identity: its shape and a hash of every feature and label byte. */
export interface DataFingerprint {
  readonly count: number;
  readonly frames: number;
  readonly bins: number;
  readonly sha256: string;
}

export interface TrainFingerprint {
  /**
   * The config itself (not a hash) so a mismatch can name the fields and both values; regularisers that are off are
   * left out (see trainConfigIdentity), so a default config's fingerprint is the one written before they existed.
   */
  readonly config: TrainConfigIdentity;
  readonly train: DataFingerprint;
  readonly validation: DataFingerprint;
  /** Hash of the layer classes, their configs without names, and the weight shapes. */
  readonly model: string;
  /** Hash of the augmented views and teacher logits ('none' without either). */
  readonly extras: string;
}

/** Training inputs beyond the two splits: augmented copies of the training rows and teacher logits. */
export interface TrainExtras {
  readonly views: readonly FeatureSet[];
  readonly teacherLogits: readonly Float32Array[];
}

function bytesOf(a: Float32Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function dataFingerprint(set: FeatureSet): DataFingerprint {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([set.count, set.frames, set.bins]));
  hash.update(bytesOf(set.features.subarray(0, set.count * set.frames * set.bins)));
  hash.update(bytesOf(set.labels.subarray(0, set.count)));
  return { count: set.count, frames: set.frames, bins: set.bins, sha256: hash.digest('hex').slice(0, 16) };
}

function modelSignature(model: tf.LayersModel): string {
  // Layer names are left out: tfjs numbers auto-named layers per process, which says nothing about the model.
  const layers = model.layers.map((layer) => {
    const { name: _name, ...config } = layer.getConfig() as Record<string, unknown>;
    return [layer.getClassName(), config, layer.getWeights().map((w) => w.shape)];
  });
  return createHash('sha256').update(stableStringify(layers)).digest('hex').slice(0, 16);
}

/** Fingerprint of one training job: equal fingerprints mean a checkpoint of one is valid for the other. */
export function trainFingerprint(config: TrainConfig, train: FeatureSet, validation: FeatureSet, model: tf.LayersModel, extras?: TrainExtras): TrainFingerprint {
  return { config: trainConfigIdentity(config), train: dataFingerprint(train), validation: dataFingerprint(validation), model: modelSignature(model), extras: extrasSignature(extras) };
}

function extrasSignature(extras: TrainExtras | undefined): string {
  if (extras === undefined || (extras.views.length === 0 && extras.teacherLogits.length === 0)) return 'none';
  const hash = createHash('sha256');
  for (const view of extras.views) hash.update(dataFingerprint(view).sha256);
  hash.update('|');
  for (const logits of extras.teacherLogits) hash.update(bytesOf(logits));
  return `${extras.views.length} views, ${extras.teacherLogits.length} teacher logit sets, sha256 ${hash.digest('hex').slice(0, 16)}`;
}

function flatten(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) for (const [fk, fv] of flatten(v, prefix ? `${prefix}.${k}` : k)) out.set(fk, fv);
  } else {
    out.set(prefix, JSON.stringify(value) ?? 'undefined');
  }
  return out;
}

/** Off regularisers are absent from a fingerprint; shown as their off values so a difference reads 'checkpoint 0.1, now 0'. */
function withRegularisers(config: TrainConfigIdentity): TrainConfigIdentity {
  return { labelSmoothing: DEFAULT_TRAIN_CONFIG.labelSmoothing, mixup: DEFAULT_TRAIN_CONFIG.mixup, weightAverageDecay: DEFAULT_TRAIN_CONFIG.weightAverageDecay, keep: DEFAULT_TRAIN_CONFIG.keep, ...config };
}

/** Human-readable differences between a checkpoint's fingerprint and the current job's; empty when they match. */
export function fingerprintDifferences(saved: TrainFingerprint, current: TrainFingerprint): string[] {
  const diffs: string[] = [];
  const was = flatten(withRegularisers(saved.config));
  const now = flatten(withRegularisers(current.config));
  for (const key of new Set([...was.keys(), ...now.keys()])) {
    if (was.get(key) !== now.get(key)) diffs.push(`config ${key}: checkpoint ${was.get(key) ?? 'unset'}, now ${now.get(key) ?? 'unset'}`);
  }
  for (const split of ['train', 'validation'] as const) {
    const a = saved[split];
    const b = current[split];
    if (a.sha256 !== b.sha256) {
      diffs.push(`${split} data: checkpoint ${a.count} rows of ${a.frames}x${a.bins} (sha256 ${a.sha256}), now ${b.count} rows of ${b.frames}x${b.bins} (sha256 ${b.sha256})`);
    }
  }
  if (saved.model !== current.model) diffs.push(`model architecture: checkpoint ${saved.model}, now ${current.model}`);
  // Checkpoints written before extras existed had neither.
  if ((saved.extras ?? 'none') !== current.extras) diffs.push(`augmented views / teacher logits: checkpoint ${saved.extras ?? 'none'}, now ${current.extras}`);
  return diffs;
}
