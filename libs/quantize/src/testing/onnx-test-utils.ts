// Test helpers: seeded tfjs models and inputs, and running an OnnxModel on onnxruntime-node.

import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { SeededRandom } from '@whittle/datasets';
import { DEFAULT_EXPORT_CONFIG } from '../export/export-config.ts';
import { exportLayersModel } from '../export/export-layers-model.ts';
import type { OnnxModel } from '../onnx/onnx-model.ts';
import { encodeOnnxModel } from '../proto/encode-onnx-model.ts';

/** Fill every weight of `model` with seeded values; BN variances stay positive, gammas away from 0. */
export function randomizeWeights(model: tf.LayersModel, seed: number): void {
  const rng = new SeededRandom(seed);
  for (const layer of model.layers) {
    const values = layer.weights.map((w) => {
      const shape = w.shape as number[];
      const size = shape.reduce((a, b) => a * b, 1);
      const name = w.originalName;
      const gen = name.endsWith('moving_variance')
        ? () => rng.uniform(0.2, 2)
        : name.endsWith('gamma')
          ? () => rng.uniform(0.5, 1.5)
          : name.endsWith('moving_mean') || name.endsWith('beta')
            ? () => rng.uniform(-0.5, 0.5)
            : () => rng.normal() * 0.3;
      return tf.tensor(Float32Array.from({ length: size }, gen), shape);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}

/** Give every BatchNormalization non-trivial statistics (folding then has something to get wrong). */
export function perturbBatchNorms(model: tf.LayersModel, seed: number): void {
  const rng = new SeededRandom(seed);
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const values = layer.weights.map((w) => {
      const n = (w.shape as number[]).reduce((a, b) => a * b, 1);
      const name = w.originalName;
      const gen = name.endsWith('moving_variance') ? () => rng.uniform(0.3, 3) : name.endsWith('gamma') ? () => rng.uniform(0.5, 1.5) : () => rng.uniform(-0.3, 0.3);
      return tf.tensor(Float32Array.from({ length: n }, gen), w.shape as number[]);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}

/** Seeded standard-normal values. */
export function randomData(count: number, seed: number): Float32Array {
  const rng = new SeededRandom(seed);
  return Float32Array.from({ length: count }, () => rng.normal());
}

/** tfjs' prediction for a flat input, as a flat Float32Array. */
export function predictTfjs(model: tf.LayersModel, data: Float32Array, dims: number[]): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor(data, dims)) as tf.Tensor).dataSync() as Float32Array).slice();
}

/** Run `model` (or its bytes) on one float32 input on a single-threaded CPU session; returns the first output. */
export async function runOnnx(model: OnnxModel | Uint8Array, data: Float32Array, dims: number[]): Promise<Float32Array> {
  const bytes = model instanceof Uint8Array ? model : encodeOnnxModel(model);
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const result = await session.run({ [session.inputNames[0] as string]: new ort.Tensor('float32', data, dims) });
    return (result[session.outputNames[0] as string] as ort.Tensor).data as Float32Array;
  } finally {
    await session.release();
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

/** The interpreter that has python3-onnx on Debian (the pyenv python3 on PATH does not). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** Run onnx.checker.check_model(full_check=True) on a file; throws with the checker's message on failure. */
export function checkWithOnnxChecker(file: string): void {
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', 'import onnx'], { stdio: 'pipe' });
  } catch {
    throw new Error(`${SYSTEM_PYTHON} cannot import onnx: install python3-onnx (apt-get install python3-onnx, or run scripts/setup.sh)`);
  }
  execFileSync(SYSTEM_PYTHON, ['-c', 'import onnx,sys; m=onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True)', file], { stdio: 'pipe' });
}

/** [6, 5, 2] input -> conv 'conv' (4 filters, ReLU) -> 'pool' (global average) -> dense 'fc' (3): a seeded fp32 export for QDQ tests. */
export async function convPoolDenseModel(seed: number): Promise<OnnxModel> {
  await tf.setBackend('cpu');
  const model = tf.sequential({
    layers: [
      tf.layers.inputLayer({ inputShape: [6, 5, 2] }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv' }),
      tf.layers.globalAveragePooling2d({ name: 'pool' }),
      tf.layers.dense({ units: 3, name: 'fc' }),
    ],
  });
  randomizeWeights(model, seed);
  const fp32 = exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
  model.dispose();
  return fp32;
}
