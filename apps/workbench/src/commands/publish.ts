// `whittle publish`: copy a finished run into models/<name>/<version>/ for apps.

import { defineCommand } from '../cli/command.ts';
import { runPublishStage } from '../pipeline/publish-stage.ts';
import { DEFAULT_WORK_DIR, QUIET_OPTION } from './common-options.ts';

export const publishCommand = defineCommand({
  spec: {
    name: 'publish',
    summary: 'Publish a finished run as a versioned model directory (never overwrites a version)',
    usage: 'whittle publish --run <dir> [--models models] [--version 1.2.3]',
    options: {
      run: { kind: 'string', description: 'run directory with train/, onnx/ and report/', default: `${DEFAULT_WORK_DIR}/run` },
      models: { kind: 'string', description: 'root of published models', default: 'models' },
      version: { kind: 'string', description: 'version to publish as; default: unchanged latest, else next patch' },
      quiet: QUIET_OPTION,
    },
  },
  async run(o, _p, io) {
    const out = await runPublishStage({ runDir: o.run as string, modelsRoot: o.models as string, ...(o.version === undefined ? {} : { version: o.version }), reporter: io.reporter });
    io.reporter.info(out.kind === 'unchanged' ? `model unchanged: already published as ${out.dir}` : `published ${out.dir}`);
  },
});
