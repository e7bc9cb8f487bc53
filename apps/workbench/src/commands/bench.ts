// `whittle bench`: training throughput, fp32 vs int8 ONNX latency and feature extraction speed, in one run.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { FbankExtractor, KWS_LABELS, SeededRandom } from '@whittle/datasets';
import { getModelSpec, resolveTrainConfig, trainClassifier } from '@whittle/distill';
import { measureOnnxLatency } from '@whittle/eval';
import { collectMinMax, DEFAULT_EXPORT_CONFIG, DEFAULT_STATIC_QUANTIZE_CONFIG, encodeOnnxModel, exportLayersModel, quantizeStatic } from '@whittle/quantize';
import { defineCommand } from '../cli/command.ts';
import { DEFAULT_KEYWORD_SPOTTER_CONFIG } from '../pipeline/keyword-spotter-config.ts';
import { useTfBackend } from '../runtime/tf-backend.ts';
import { benchQuantizeCommand } from './bench-quantize.ts';
import { benchTrainCommand } from './bench-train.ts';
import { BACKEND_OPTION, QUIET_OPTION } from './common-options.ts';
import { randomFeatureSet } from './random-feature-set.ts';

/** The front end the keyword spotter ships with, so the numbers are the default job's. */
const FRONT_END = DEFAULT_KEYWORD_SPOTTER_CONFIG.frontEnd;

const randomSet = (count: number, seed: number) => randomFeatureSet(count, FRONT_END.frames, FRONT_END.numMelBins, seed);

export const benchCommand = defineCommand({
  spec: {
    name: 'bench',
    summary: 'Measure training samples/s, fp32 vs int8 ONNX latency and feature extraction clips/s',
    usage: 'whittle bench [--json] [--train-samples n]  |  whittle bench train [flags]',
    options: {
      json: { kind: 'boolean', description: 'print the numbers as JSON on stdout' },
      'train-samples': { kind: 'number', description: 'samples per timed training epoch', default: 1024, integer: true },
      'latency-runs': { kind: 'number', description: 'batch-1 ONNX runs per variant', default: 500, integer: true },
      backend: BACKEND_OPTION,
      quiet: QUIET_OPTION,
    },
  },
  subcommands: { train: benchTrainCommand, quantize: benchQuantizeCommand },
  async run(o, _p, io) {
    const backend = await useTfBackend(o.backend as string);
    const spec = getModelSpec('ds-cnn-s');
    const shape = { inputFrames: FRONT_END.frames, inputBins: FRONT_END.numMelBins, numClasses: KWS_LABELS.length };
    const trainCount = o['train-samples'] ?? 1024;
    const config = resolveTrainConfig({ epochs: 2, batchSize: 64, earlyStopping: { patience: 5, minDelta: 0 } });

    // Training: epoch 1 warms up kernels and allocations; epoch 2 is the measurement.
    io.reporter.info(`bench: training ${spec.name} on ${backend.name}, ${trainCount} samples x 2 epochs`);
    const model = spec.build(shape, 1);
    const result = await trainClassifier(model, randomSet(trainCount, 1), randomSet(64, 2), config, io.reporter);
    const trainSamplesPerSecond = result.history.at(-1)?.samplesPerSecond ?? 0;

    // Inference: export this model, quantize it on random calibration data, time both on one thread.
    const onnx = exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
    model.dispose();
    tf.disposeVariables();
    const calibration = randomSet(64, 3);
    const stride = calibration.frames * calibration.bins;
    async function* feeds() {
      for (let i = 0; i < calibration.count; i++) yield { [DEFAULT_EXPORT_CONFIG.inputName]: { data: calibration.features.slice(i * stride, (i + 1) * stride), dims: [1, calibration.frames, calibration.bins] } };
    }
    const int8 = quantizeStatic(onnx, await collectMinMax(onnx, feeds(), {}), DEFAULT_STATIC_QUANTIZE_CONFIG);
    const dir = await mkdtemp(join(tmpdir(), 'whittle-bench-'));
    const fp32Path = join(dir, 'model.onnx');
    const int8Path = join(dir, 'model_int8.onnx');
    await writeFile(fp32Path, encodeOnnxModel(onnx));
    await writeFile(int8Path, encodeOnnxModel(int8));
    const sample = calibration.features.slice(0, stride);
    const dims = [1, calibration.frames, calibration.bins];
    const runs = o['latency-runs'] ?? 500;
    io.reporter.info(`bench: ONNX latency, ${runs} batch-1 runs per variant, 1 thread`);
    const fp32Latency = await measureOnnxLatency(fp32Path, sample, dims, { runs, warmup: 50, threads: 1 });
    const int8Latency = await measureOnnxLatency(int8Path, sample, dims, { runs, warmup: 50, threads: 1 });
    await rm(dir, { recursive: true, force: true });

    // Features: transformers.js' ASTFeatureExtractor on 1 s clips.
    const extractor = new FbankExtractor(FRONT_END);
    const rng = new SeededRandom(4);
    const clip = Float32Array.from({ length: FRONT_END.clipSamples }, () => 0.1 * rng.normal());
    for (let i = 0; i < 20; i++) await extractor.extract(clip);
    const clips = 300;
    const t0 = performance.now();
    for (let i = 0; i < clips; i++) await extractor.extract(clip);
    const featureClipsPerSecond = clips / ((performance.now() - t0) / 1000);

    const numbers = {
      model: spec.name,
      backend: backend.name,
      workers: 1,
      train: { samplesPerSecond: trainSamplesPerSecond, batchSize: config.batchSize, samples: trainCount },
      inference: {
        threads: 1,
        batch: 1,
        fp32: { p50Ms: fp32Latency.p50, p95Ms: fp32Latency.p95 },
        int8: { p50Ms: int8Latency.p50, p95Ms: int8Latency.p95 },
        int8SpeedupP50: fp32Latency.p50 / int8Latency.p50,
      },
      features: { clipsPerSecond: featureClipsPerSecond },
    };
    if (o.json) io.stdout(JSON.stringify(numbers, null, 2));
    else
      io.stdout(
        [
          `training (${spec.name}, ${backend.name}, batch 64): ${trainSamplesPerSecond.toFixed(1)} samples/s`,
          `ONNX batch-1 p50: fp32 ${fp32Latency.p50.toFixed(3)} ms, int8 ${int8Latency.p50.toFixed(3)} ms (fp32/int8 = ${numbers.inference.int8SpeedupP50.toFixed(2)}x)`,
          `feature extraction: ${featureClipsPerSecond.toFixed(0)} clips/s`,
        ].join('\n'),
      );
  },
});
