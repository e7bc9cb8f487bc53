// `whittle bench train`: training throughput of one model on random data, the number compared with PyTorch.

import { availableParallelism } from 'node:os';
import { ConfigError, KWS_LABELS, WhittleError } from '@whittle/datasets';
import { DEFAULT_TRAIN_CONFIG, getModelSpec, MODEL_REGISTRY, resolveTrainConfig, trainClassifier } from '@whittle/distill';
import { defineCommand } from '../cli/command.ts';
import { DEFAULT_KEYWORD_SPOTTER_CONFIG } from '../pipeline/keyword-spotter-config.ts';
import { useTfBackend } from '../runtime/tf-backend.ts';
import { BACKEND_OPTION, QUIET_OPTION } from './common-options.ts';
import { randomFeatureSet } from './random-feature-set.ts';

/** What `whittle bench train --json` prints; scripts/bench-pytorch.py prints the same keys. */
export interface TrainBenchResult {
  readonly model: string;
  readonly backend: string;
  /** Threads computing each batch's gradients (data parallel; 1: this thread only). */
  readonly workers: number;
  readonly inputShape: readonly [frames: number, bins: number];
  readonly batchSize: number;
  /** Samples in the timed epoch (the warm-up epoch has as many). */
  readonly samples: number;
  /** Forward + backward + Adam update, per second, over the timed epoch. */
  readonly samplesPerSecond: number;
}

const FRONT_END = DEFAULT_KEYWORD_SPOTTER_CONFIG.frontEnd;

function positiveInteger(value: number | undefined, flag: string, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`Flag '--${flag}' of 'whittle bench train' must be an integer ≥ 1; got ${n}`);
  return n;
}

export const benchTrainCommand = defineCommand({
  spec: {
    name: 'bench train',
    summary: 'Measure training samples/s (forward, backward, Adam) of one model on random data',
    usage: 'whittle bench train [--json] [--model ds-cnn-s] [--samples n] [--batch-size 64] [--frames 98 --bins 20] [--workers n]',
    options: {
      json: { kind: 'boolean', description: 'print the result as JSON on stdout (the keys scripts/bench-pytorch.py prints)' },
      model: { kind: 'string', description: 'architecture to train', default: DEFAULT_TRAIN_CONFIG.model, choices: Object.keys(MODEL_REGISTRY) },
      samples: { kind: 'number', description: 'random samples per epoch; one warm-up epoch, then one timed epoch', default: 1024, integer: true },
      'batch-size': { kind: 'number', description: 'minibatch size', default: DEFAULT_TRAIN_CONFIG.batchSize, integer: true },
      frames: { kind: 'number', description: "input frames (time steps); the default is the shipped front end's", default: FRONT_END.frames, integer: true },
      bins: { kind: 'number', description: "input mel bins; the default is the shipped front end's", default: FRONT_END.numMelBins, integer: true },
      // Default: what `whittle train` does unless told otherwise, so the number means the default training speed.
      workers: {
        kind: 'number',
        description: `threads sharing each batch (data parallel, one tfjs backend each; this machine has ${availableParallelism()} cores)`,
        default: DEFAULT_TRAIN_CONFIG.workers,
        integer: true,
      },
      backend: BACKEND_OPTION,
      quiet: QUIET_OPTION,
    },
    examples: ['whittle bench train --json', 'whittle bench train --json --workers 2', 'whittle bench train --frames 49 --bins 10 --samples 2048', 'scripts/bench-train-vs-pytorch.sh   # the same shapes in PyTorch, side by side'],
  },
  async run(o, _positionals, io) {
    const spec = getModelSpec(o.model ?? DEFAULT_TRAIN_CONFIG.model);
    const samples = positiveInteger(o.samples, 'samples', 1024);
    const frames = positiveInteger(o.frames, 'frames', FRONT_END.frames);
    const bins = positiveInteger(o.bins, 'bins', FRONT_END.numMelBins);
    // Patience above the epoch count: both epochs always run, whatever the (meaningless) validation says.
    const config = resolveTrainConfig({ model: spec.name, epochs: 2, batchSize: o['batch-size'] ?? DEFAULT_TRAIN_CONFIG.batchSize, earlyStopping: { patience: 3, minDelta: 0 }, workers: o.workers ?? DEFAULT_TRAIN_CONFIG.workers });
    const backend = await useTfBackend(o.backend as string);

    io.reporter.info(`bench train: ${spec.name} on ${backend.name} x ${config.workers} ${config.workers === 1 ? 'worker' : 'workers'}, input [${frames}, ${bins}], batch ${config.batchSize}, ${samples} samples x (1 warm-up + 1 timed) epoch`);
    const model = spec.build({ inputFrames: frames, inputBins: bins, numClasses: KWS_LABELS.length }, config.seed);
    let samplesPerSecond: number;
    try {
      // Epoch 1 compiles kernels and grows the allocator; epoch 2 is the measurement (validation is outside its clock).
      const result = await trainClassifier(model, randomFeatureSet(samples, frames, bins, 1), randomFeatureSet(Math.min(samples, 64), frames, bins, 2), config, io.reporter);
      samplesPerSecond = result.history[1]?.samplesPerSecond ?? NaN;
    } finally {
      model.dispose();
    }
    if (!(samplesPerSecond > 0)) throw new WhittleError('NUMERIC', `The timed epoch of 'bench train' measured ${samplesPerSecond} samples/s`);

    const numbers: TrainBenchResult = { model: spec.name, backend: backend.name, workers: config.workers, inputShape: [frames, bins], batchSize: config.batchSize, samples, samplesPerSecond };
    if (o.json) io.stdout(JSON.stringify(numbers, null, 2));
    else io.stdout(`training ${spec.name} (${backend.name}, ${config.workers} ${config.workers === 1 ? 'worker' : 'workers'}, input [${frames}, ${bins}], batch ${config.batchSize}): ${samplesPerSecond.toFixed(1)} samples/s`);
  },
});
