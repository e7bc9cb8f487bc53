// One training checkpoint on disk: written whole or not at all, found through a pointer file that is swapped atomically.

import * as tf from '@tensorflow/tfjs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadFileError, writeDirAtomic, writeFileAtomic, type RandomSnapshot } from '@whittle/datasets';
import type { AdamState, NamedTensor } from './adam-state.ts';
import type { EpochRecord } from './train-classifier.ts';
import type { TrainFingerprint } from './train-fingerprint.ts';

const FORMAT = 'whittle-train-checkpoint';
const VERSION = 1;
const POINTER = 'checkpoint.json';

/** The loop's state after a completed epoch: everything needed to continue as if never stopped. */
export interface TrainCheckpointState {
  /** Epochs completed (1-based number of the last one). */
  readonly epoch: number;
  /** Optimizer steps taken so far; drives the cosine learning-rate schedule. */
  readonly globalStep: number;
  /** The shuffle generator after this epoch's shuffle. */
  readonly random: RandomSnapshot;
  readonly history: readonly EpochRecord[];
  readonly best: { readonly epoch: number; readonly accuracy: number };
  /** Epochs since the best one (the early-stopping counter). */
  readonly sinceBest: number;
  /** True when training ended here (last epoch or early stop): a resume only restores the result. */
  readonly finished: boolean;
  readonly trainSeconds: number;
  readonly elapsedSeconds: number;
  /** tfjs backend that wrote it: resuming elsewhere continues correctly but not bit for bit. */
  readonly backend: string;
  readonly fingerprint: TrainFingerprint;
}

/** A checkpoint with its tensors. Whoever reads one owns the tensors (see disposeTrainCheckpoint). */
export interface TrainCheckpoint extends TrainCheckpointState {
  readonly modelWeights: readonly tf.Tensor[];
  readonly bestWeights: readonly tf.Tensor[];
  readonly adam: AdamState;
  /** The moving average of the weights (TrainConfig.weightAverageDecay > 0); absent when averaging is off. */
  readonly averagedWeights?: readonly tf.Tensor[];
}

interface Pointer {
  readonly format: typeof FORMAT;
  readonly version: number;
  readonly latest: string;
  readonly epoch: number;
}

interface StateFile extends TrainCheckpointState {
  readonly format: typeof FORMAT;
  readonly version: number;
  readonly adamWeightNames: readonly string[];
  readonly weightSpecs: tf.io.WeightsManifestEntry[];
}

/** Where the checkpoint of `epoch` lives inside `dir`. */
export function checkpointPath(dir: string, epoch: number): string {
  return join(dir, `epoch-${String(epoch).padStart(4, '0')}`);
}

/**
 * Write `checkpoint` as `dir/epoch-NNNN/` (temp dir + rename), then point `dir/checkpoint.json` at it
 * (temp file + rename), then delete older epochs. A crash at any moment leaves the pointer naming a complete checkpoint.
 */
export async function writeTrainCheckpoint(dir: string, checkpoint: TrainCheckpoint): Promise<string> {
  const named: NamedTensor[] = [
    ...checkpoint.modelWeights.map((tensor, i) => ({ name: `model/${i}`, tensor })),
    ...checkpoint.bestWeights.map((tensor, i) => ({ name: `best/${i}`, tensor })),
    ...(checkpoint.averagedWeights ?? []).map((tensor, i) => ({ name: `average/${i}`, tensor })),
    ...checkpoint.adam.weights.map((w, i) => ({ name: `adam/${i}`, tensor: w.tensor })),
    { name: 'adam/accBeta1', tensor: checkpoint.adam.accBeta1 },
    { name: 'adam/accBeta2', tensor: checkpoint.adam.accBeta2 },
  ];
  const { data, specs } = await tf.io.encodeWeights(named);
  const { modelWeights: _m, bestWeights: _b, averagedWeights: _a, adam, ...state } = checkpoint;
  const file: StateFile = { format: FORMAT, version: VERSION, ...state, adamWeightNames: adam.weights.map((w) => w.name), weightSpecs: specs };
  const target = checkpointPath(dir, checkpoint.epoch);
  const name = target.slice(dir.length + 1);
  // A same-named directory can only be left by a run killed between its rename and the pointer update: never pointed at.
  await rm(target, { recursive: true, force: true });
  await writeDirAtomic(target, async (tmp) => {
    await writeFile(join(tmp, 'tensors.bin'), new Uint8Array(data));
    await writeFile(join(tmp, 'state.json'), `${JSON.stringify(file)}\n`);
  });
  const pointer: Pointer = { format: FORMAT, version: VERSION, latest: name, epoch: checkpoint.epoch };
  await writeFileAtomic(join(dir, POINTER), `${JSON.stringify(pointer, null, 2)}\n`);
  for (const entry of await readdir(dir)) {
    if ((entry.startsWith('epoch-') && entry !== name) || /^\.[0-9a-f]+\.(partial|tmp)$/.test(entry)) await rm(join(dir, entry), { recursive: true, force: true });
  }
  return target;
}

async function readJson<T>(file: string): Promise<T> {
  const text = await readFile(file, 'utf8').catch((err: unknown) => {
    throw new BadFileError(file, `cannot read training checkpoint: ${(err as Error).message}`);
  });
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new BadFileError(file, `not valid JSON: ${(err as Error).message}`);
  }
}

/** The epoch and path of the checkpoint `dir/checkpoint.json` points at, or undefined when there is none. */
export async function latestCheckpoint(dir: string): Promise<{ epoch: number; path: string } | undefined> {
  const file = join(dir, POINTER);
  const exists = await readFile(file).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw new BadFileError(file, `cannot read training checkpoint pointer: ${err.message}`);
    },
  );
  if (!exists) return undefined;
  const pointer = await readJson<Partial<Pointer>>(file);
  if (pointer.format !== FORMAT || pointer.version !== VERSION || typeof pointer.latest !== 'string' || !Number.isInteger(pointer.epoch)) {
    throw new BadFileError(file, `expected a ${FORMAT} v${VERSION} pointer with 'latest' and 'epoch'`);
  }
  return { epoch: pointer.epoch as number, path: join(dir, pointer.latest) };
}

/** Read the latest checkpoint in `dir` (undefined when there is none). The caller owns the returned tensors. */
export async function readTrainCheckpoint(dir: string): Promise<TrainCheckpoint | undefined> {
  const latest = await latestCheckpoint(dir);
  if (latest === undefined) return undefined;
  const statePath = join(latest.path, 'state.json');
  const tensorsPath = join(latest.path, 'tensors.bin');
  const file = await readJson<StateFile>(statePath);
  if (file.format !== FORMAT || file.version !== VERSION || file.epoch !== latest.epoch || !Array.isArray(file.weightSpecs)) {
    throw new BadFileError(statePath, `expected a ${FORMAT} v${VERSION} state for epoch ${latest.epoch}`);
  }
  const bytes = await readFile(tensorsPath).catch((err: unknown) => {
    throw new BadFileError(tensorsPath, `cannot read checkpoint tensors: ${(err as Error).message}`);
  });
  const expectedBytes = file.weightSpecs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (bytes.byteLength !== expectedBytes) throw new BadFileError(tensorsPath, `expected ${expectedBytes} bytes for ${file.weightSpecs.length} tensors; got ${bytes.byteLength}`);
  const map = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), file.weightSpecs);
  const group = (prefix: string) =>
    file.weightSpecs.filter((s) => new RegExp(`^${prefix}/\\d+$`).test(s.name)).map((s) => map[s.name] as tf.Tensor);
  const { format: _f, version: _v, adamWeightNames, weightSpecs: _s, ...state } = file;
  const adamTensors = group('adam');
  const accBeta1 = map['adam/accBeta1'];
  const accBeta2 = map['adam/accBeta2'];
  if (accBeta1 === undefined || accBeta2 === undefined || adamTensors.length !== adamWeightNames.length) {
    tf.dispose(Object.values(map));
    throw new BadFileError(statePath, 'optimizer state is incomplete (expected iterations, moments and accBeta1/accBeta2)');
  }
  const averaged = group('average');
  return {
    ...state,
    modelWeights: group('model'),
    bestWeights: group('best'),
    ...(averaged.length === 0 ? {} : { averagedWeights: averaged }),
    adam: { weights: adamTensors.map((tensor, i) => ({ name: adamWeightNames[i] as string, tensor })), accBeta1: accBeta1 as tf.Scalar, accBeta2: accBeta2 as tf.Scalar },
  };
}

/** Release a checkpoint's tensors. */
export function disposeTrainCheckpoint(checkpoint: TrainCheckpoint): void {
  tf.dispose([...checkpoint.modelWeights, ...checkpoint.bestWeights, ...(checkpoint.averagedWeights ?? []), ...checkpoint.adam.weights.map((w) => w.tensor), checkpoint.adam.accBeta1, checkpoint.adam.accBeta2]);
}
