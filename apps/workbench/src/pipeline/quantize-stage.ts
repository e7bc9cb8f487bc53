// Stage 3: export the trained tfjs model to ONNX fp32 (parity-checked) and quantize it to static int8.

import { readFile, writeFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { SeededRandom, WhittleError, writeDirAtomic, type FeatureSet, type Reporter } from '@whittle/datasets';
import { loadLayersModel } from '@whittle/distill';
import { collectMinMax, DEFAULT_EXPORT_CONFIG, encodeOnnxModel, exportLayersModel, quantizeStatic } from '@whittle/quantize';
import { useTfBackend } from '../runtime/tf-backend.ts';
import { runLayout } from './run-layout.ts';
import { normalized, speechIndex, splitFeatures } from './speech-features.ts';
import type { TrainRecord } from './train-stage.ts';

/** Parity of the exported fp32 graph against tfjs on the test split. */
export interface ParityResult {
  readonly clips: number;
  readonly maxAbsLogitDiff: number;
  readonly topOneAgreement: number;
}

export interface OnnxRecord {
  readonly opset: number;
  readonly parity: ParityResult;
  readonly calibration: { readonly method: string; readonly samples: number; readonly split: 'training' };
  readonly bytes: { readonly fp32: number; readonly int8: number };
}

/** The tolerance the exporter promises: every test clip's logits within 1e-4 and the same top-1. */
export const PARITY_TOLERANCE = 1e-4;

async function onnxLogits(bytes: Uint8Array, set: FeatureSet, numClasses: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const out = new Float32Array(set.count * numClasses);
  const stride = set.frames * set.bins;
  try {
    for (let start = 0; start < set.count; start += 256) {
      const n = Math.min(256, set.count - start);
      const feeds = { [DEFAULT_EXPORT_CONFIG.inputName]: new ort.Tensor('float32', set.features.slice(start * stride, (start + n) * stride), [n, set.frames, set.bins]) };
      const result = await session.run(feeds);
      out.set(result[DEFAULT_EXPORT_CONFIG.outputName]?.data as Float32Array, start * numClasses);
    }
  } finally {
    await session.release();
  }
  return out;
}

export function compareLogits(a: Float32Array, b: Float32Array, numClasses: number): ParityResult {
  let maxAbs = 0;
  let agree = 0;
  const clips = a.length / numClasses;
  for (let i = 0; i < clips; i++) {
    let ia = 0;
    let ib = 0;
    for (let c = 0; c < numClasses; c++) {
      const k = i * numClasses + c;
      maxAbs = Math.max(maxAbs, Math.abs((a[k] as number) - (b[k] as number)));
      if ((a[k] as number) > (a[i * numClasses + ia] as number)) ia = c;
      if ((b[k] as number) > (b[i * numClasses + ib] as number)) ib = c;
    }
    if (ia === ib) agree++;
  }
  return { clips, maxAbsLogitDiff: maxAbs, topOneAgreement: clips ? agree / clips : 1 };
}

export async function runQuantizeStage(input: { dataDir: string; runDir: string; reporter: Reporter; backend?: string }): Promise<OnnxRecord> {
  const { reporter } = input;
  const layout = runLayout(input.runDir);
  const record = JSON.parse(await readFile(layout.trainRecord, 'utf8')) as TrainRecord;
  const { config } = record;
  await useTfBackend(input.backend);
  const model = await loadLayersModel(layout.train);
  const numClasses = record.labels.length;
  const onnxModel = exportLayersModel(model, {
    ...DEFAULT_EXPORT_CONFIG,
    producerName: record.provenance.producer,
    producerVersion: record.provenance.producerVersion,
    // No git commit here (manifest.json has it): the ONNX bytes must depend only on the model, so
    // retraining identical weights at a later commit publishes as "unchanged", not as a new version.
    metadata: { whittle_model: record.model.name, whittle_config_hash: record.configHash },
  });
  model.dispose();
  const fp32Bytes = encodeOnnxModel(onnxModel);

  // Parity on the test split against the logits tfjs produced at the end of training.
  const entries = await speechIndex(input.dataDir, { seed: config.train.seed });
  const opts = { cacheDir: layout.featureCache, reporter };
  const test = normalized(await splitFeatures(entries, 'testing', config.frontEnd, opts), record.normalization);
  const tfjsBytes = await readFile(layout.tfjsTestLogits);
  const tfjsLogits = new Float32Array(tfjsBytes.buffer.slice(tfjsBytes.byteOffset, tfjsBytes.byteOffset + tfjsBytes.byteLength));
  const parity = compareLogits(tfjsLogits, await onnxLogits(fp32Bytes, test, numClasses), numClasses);
  reporter.info(`ONNX fp32 parity on ${parity.clips} test clips: max |Δlogit| ${parity.maxAbsLogitDiff.toExponential(2)}, top-1 agreement ${(parity.topOneAgreement * 100).toFixed(2)}%`);
  if (parity.maxAbsLogitDiff > PARITY_TOLERANCE || parity.topOneAgreement < 1) {
    throw new WhittleError('NUMERIC', `ONNX export does not match tfjs: max |Δlogit| ${parity.maxAbsLogitDiff} (allowed ${PARITY_TOLERANCE}), top-1 agreement ${parity.topOneAgreement}`, {
      hint: 'this is an exporter bug; rerun with WHITTLE_DEBUG=1 and report the model config',
    });
  }

  // Calibration: a seeded sample of training clips, as the static int8 recipe asks.
  const train = normalized(await splitFeatures(entries, 'training', config.frontEnd, opts), record.normalization);
  const samples = Math.min(config.quantize.calibration.samples, train.count);
  const rows = new SeededRandom(config.train.seed ^ 0xca1).shuffle(Array.from({ length: train.count }, (_, i) => i)).slice(0, samples);
  const stride = train.frames * train.bins;
  async function* feeds() {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as number;
      if (i % 32 === 31 || i === rows.length - 1) reporter.progress({ stage: 'calibrate', done: i + 1, total: rows.length });
      yield { [DEFAULT_EXPORT_CONFIG.inputName]: { data: train.features.slice(row * stride, (row + 1) * stride), dims: [1, train.frames, train.bins] } };
    }
  }
  const ranges = await collectMinMax(onnxModel, feeds(), {});
  const int8Bytes = encodeOnnxModel(quantizeStatic(onnxModel, ranges, config.quantize));

  const onnxRecord: OnnxRecord = {
    opset: DEFAULT_EXPORT_CONFIG.opset,
    parity,
    calibration: { method: config.quantize.calibration.method, samples, split: 'training' },
    bytes: { fp32: fp32Bytes.byteLength, int8: int8Bytes.byteLength },
  };
  await writeDirAtomic(
    layout.onnx,
    async (tmp) => {
      await writeFile(`${tmp}/model.onnx`, fp32Bytes);
      await writeFile(`${tmp}/model_int8.onnx`, int8Bytes);
      await writeFile(`${tmp}/onnx.json`, `${JSON.stringify(onnxRecord, null, 2)}\n`);
    },
    { replace: true },
  );
  reporter.info(`ONNX: fp32 ${fp32Bytes.byteLength} bytes, int8 ${int8Bytes.byteLength} bytes (${((100 * int8Bytes.byteLength) / fp32Bytes.byteLength).toFixed(1)}%)`);
  return onnxRecord;
}
