// `whittle report`: compare a run's tfjs and ONNX variants on its test split and on the unseen engine.

import { defineCommand } from '../cli/command.ts';
import { runReportStage } from '../pipeline/report-stage.ts';
import { DEFAULT_WORK_DIR, QUIET_OPTION, REAL_SPEECH_OPTION, UNSEEN_OPTION, unseenDirFrom } from './common-options.ts';

export const reportCommand = defineCommand({
  spec: {
    name: 'report',
    summary: "Evaluate a run's variants on its test split and write report.md / report.json",
    usage: 'whittle report --data <dir> --run <dir>',
    options: {
      data: { kind: 'string', description: 'the dataset the run was trained on', default: `${DEFAULT_WORK_DIR}/data` },
      run: { kind: 'string', description: 'run directory with train/ and onnx/; writes <run>/report/', default: `${DEFAULT_WORK_DIR}/run` },
      unseen: UNSEEN_OPTION,
      'real-speech': REAL_SPEECH_OPTION,
      quiet: QUIET_OPTION,
    },
  },
  async run(o, _p, io) {
    const unseenDir = unseenDirFrom(o.unseen);
    const realSpeechDir = unseenDirFrom(o['real-speech']);
    await runReportStage({ dataDir: o.data as string, runDir: o.run as string, reporter: io.reporter, ...(unseenDir === undefined ? {} : { unseenDir }), ...(realSpeechDir === undefined ? {} : { realSpeechDir }) });
  },
});
