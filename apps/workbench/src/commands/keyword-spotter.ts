// `whittle keyword-spotter`: every stage of the keyword-spotter job in one process (the Nx targets run them one by one).

import { join } from 'node:path';
import { defineCommand } from '../cli/command.ts';
import { withInterruptSignal } from '../cli/interrupt-signal.ts';
import { ensureSyntheticSpeech, synthConfigFor, unseenSynthConfigFor } from '../pipeline/data-stage.ts';
import { keywordSpotterPreset, type KeywordSpotterConfig } from '../pipeline/keyword-spotter-config.ts';
import { runPublishStage } from '../pipeline/publish-stage.ts';
import { runQuantizeStage } from '../pipeline/quantize-stage.ts';
import { runReportStage } from '../pipeline/report-stage.ts';
import { runTrainStage } from '../pipeline/train-stage.ts';
import { resolveTrainConfig } from '@whittle/distill';
import { BACKEND_OPTION, DEFAULT_WORK_DIR, PRESET_OPTION, QUIET_OPTION, RESUME_OPTION, SEED_OPTION, seedFrom, TEACHER_OPTIONS, RECIPE_OPTIONS, QUANTIZE_OPTIONS, REAL_SPEECH_OPTION, unseenDirFrom, withTrainingFlags, withQuantizeFlags } from './common-options.ts';

export const keywordSpotterCommand = defineCommand({
  spec: {
    name: 'keyword-spotter',
    summary: 'Run the whole keyword-spotter job: data, training, ONNX, fp16/int8 modes, report, publish',
    usage: 'whittle keyword-spotter [--work <dir>] [--data <dir>] [--preset default|tiny] [--models models]',
    options: {
      work: { kind: 'string', description: 'working directory for data, features and the run', default: DEFAULT_WORK_DIR },
      data: { kind: 'string', description: 'use this Speech Commands folder instead of generating synthetic speech' },
      preset: PRESET_OPTION,
      seed: SEED_OPTION,
      backend: BACKEND_OPTION,
      models: { kind: 'string', description: 'root of published models; "none" skips publishing', default: 'models' },
      version: { kind: 'string', description: 'version to publish as; default: unchanged latest, else next patch' },
      ...TEACHER_OPTIONS,
      ...RECIPE_OPTIONS,
      ...QUANTIZE_OPTIONS,
      'real-speech': REAL_SPEECH_OPTION,
      unseen: { kind: 'string', description: 'where the unseen-engine test set (festival voices no model trains on) is generated and read (default <work>/unseen-festival); "none" skips it' },
      resume: RESUME_OPTION,
      quiet: QUIET_OPTION,
    },
    examples: ['whittle keyword-spotter --preset tiny --work /tmp/kws --models none', 'whittle keyword-spotter --teacher ds-cnn-l --teacher-epochs 20 --alpha 0.9'],
  },
  async run(o, _p, io) {
    const started = performance.now();
    const preset = keywordSpotterPreset(o.preset ?? 'default');
    const seed = seedFrom(o.seed);
    const distilled: KeywordSpotterConfig = withTrainingFlags(
      {
        ...preset,
        ...(o.data === undefined ? {} : { data: { kind: 'folder', dir: o.data } }),
        train: resolveTrainConfig({ ...preset.train, ...(seed === undefined ? {} : { seed }) }),
      },
      o,
    );
    const config: KeywordSpotterConfig = { ...distilled, quantize: withQuantizeFlags(distilled.quantize, o) };
    const work = o.work as string;
    const dataDir = o.data ?? join(work, 'data');
    const runDir = join(work, 'run');
    const unseenDir = o.unseen === 'none' ? undefined : (o.unseen ?? join(work, 'unseen-festival'));
    if (config.data.kind === 'synthetic') await ensureSyntheticSpeech(dataDir, synthConfigFor(config, seed), io.reporter);
    if (unseenDir !== undefined) await ensureSyntheticSpeech(unseenDir, unseenSynthConfigFor(config), io.reporter);
    const unseen = unseenDir === undefined ? {} : { unseenDir };
    await withInterruptSignal(io.reporter, (signal) => runTrainStage({ dataDir, runDir, ...unseen, config, backend: o.backend as string, reporter: io.reporter, resume: o.resume === true, signal }));
    await runQuantizeStage({ dataDir, runDir, backend: o.backend as string, reporter: io.reporter });
    const realSpeechDir = unseenDirFrom(o['real-speech']);
    await runReportStage({ dataDir, runDir, ...unseen, ...(realSpeechDir === undefined ? {} : { realSpeechDir }), reporter: io.reporter });
    if (o.models !== 'none') {
      await runPublishStage({ runDir, modelsRoot: o.models as string, ...(o.version === undefined ? {} : { version: o.version }), reporter: io.reporter });
    }
    io.reporter.info(`keyword-spotter done in ${((performance.now() - started) / 1000).toFixed(1)} s; report: ${join(runDir, 'report', 'report.md')}`);
  },
});
