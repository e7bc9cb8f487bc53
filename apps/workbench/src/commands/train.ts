// `whittle train`: features + keyword-spotter training (a zoo model, DS-CNN-S by default) on a Speech Commands folder into a run directory.

import { availableParallelism } from 'node:os';
import { MODEL_NAMES, resolveTrainConfig } from '@whittle/distill';
import { defineCommand } from '../cli/command.ts';
import { withInterruptSignal } from '../cli/interrupt-signal.ts';
import { keywordSpotterPreset, type KeywordSpotterConfig } from '../pipeline/keyword-spotter-config.ts';
import { runTrainStage } from '../pipeline/train-stage.ts';
import { BACKEND_OPTION, DEFAULT_WORK_DIR, PRESET_OPTION, QUIET_OPTION, RESUME_OPTION, SEED_OPTION, seedFrom, UNSEEN_OPTION, unseenDirFrom, TEACHER_OPTIONS, RECIPE_OPTIONS, withTrainingFlags } from './common-options.ts';

export const trainCommand = defineCommand({
  spec: {
    name: 'train',
    summary: 'Train the keyword spotter (a model from the zoo, DS-CNN-S by default) on a folder in the Speech Commands layout',
    usage: 'whittle train --data <dir> [--run <dir>] [flags]',
    options: {
      data: { kind: 'string', description: 'dataset folder in the Speech Commands v2 layout', default: `${DEFAULT_WORK_DIR}/data` },
      run: { kind: 'string', description: 'run directory; writes <run>/roles/<teacher|scratch|distilled>/ and the chosen student to <run>/train/ (checkpoints in <run>/checkpoints/ while training)', default: `${DEFAULT_WORK_DIR}/run` },
      preset: PRESET_OPTION,
      model: { kind: 'string', description: "architecture from the model zoo (default: the preset's)", choices: MODEL_NAMES },
      epochs: { kind: 'number', description: 'maximum epochs (early stopping may end sooner)', integer: true },
      'batch-size': { kind: 'number', description: 'minibatch size', integer: true },
      'learning-rate': { kind: 'number', description: 'peak Adam learning rate (cosine decay)' },
      workers: {
        kind: 'number',
        description: `threads sharing each batch (data parallel; batch norm then uses per-thread batch statistics); this machine has ${availableParallelism()} cores (default: the preset's, 1)`,
        integer: true,
      },
      seed: SEED_OPTION,
      backend: BACKEND_OPTION,
      ...TEACHER_OPTIONS,
      ...RECIPE_OPTIONS,
      unseen: UNSEEN_OPTION,
      resume: RESUME_OPTION,
      quiet: QUIET_OPTION,
    },
    examples: [
      'whittle train --teacher none --augment none   # the student alone, no augmentation',
      'whittle train --teacher models/keyword-spotter/0.1.0 --alpha 0.5 --temperature 2   # distil from a published model','whittle train --data ~/speech_commands_v0.02 --run runs/real --epochs 30', 'whittle train --data ~/speech_commands_v0.02 --run runs/real --epochs 30 --resume', 'whittle train --data ~/speech_commands_v0.02 --run runs/real --workers 2'],
  },
  async run(o, _positionals, io) {
    const preset = keywordSpotterPreset(o.preset ?? 'default');
    const seed = seedFrom(o.seed);
    const train = resolveTrainConfig({
      ...preset.train,
      ...(o.model === undefined ? {} : { model: o.model }),
      ...(o.epochs === undefined ? {} : { epochs: o.epochs }),
      ...(o['batch-size'] === undefined ? {} : { batchSize: o['batch-size'] }),
      ...(o['learning-rate'] === undefined ? {} : { learningRate: o['learning-rate'] }),
      ...(o.workers === undefined ? {} : { workers: o.workers }),
      ...(seed === undefined ? {} : { seed }),
    });
    const config: KeywordSpotterConfig = withTrainingFlags({ ...preset, train }, o);
    await withInterruptSignal(io.reporter, (signal) =>
      runTrainStage({ dataDir: o.data as string, runDir: o.run as string, ...(unseenDirFrom(o.unseen) === undefined ? {} : { unseenDir: unseenDirFrom(o.unseen) as string }), config, backend: o.backend as string, reporter: io.reporter, resume: o.resume === true, signal }),
    );
  },
});
