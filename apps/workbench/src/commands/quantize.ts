// `whittle quantize`: export a run's tfjs model to ONNX fp32 (parity-checked) and static int8.

import { defineCommand } from '../cli/command.ts';
import { runQuantizeStage } from '../pipeline/quantize-stage.ts';
import { BACKEND_OPTION, DEFAULT_WORK_DIR, QUIET_OPTION } from './common-options.ts';

export const quantizeCommand = defineCommand({
  spec: {
    name: 'quantize',
    summary: 'Export the trained model to ONNX fp32 and quantize it to static int8 (QDQ)',
    usage: 'whittle quantize --data <dir> --run <dir>',
    options: {
      data: { kind: 'string', description: 'the dataset the run was trained on (test split for parity, training clips for calibration)', default: `${DEFAULT_WORK_DIR}/data` },
      run: { kind: 'string', description: 'run directory with train/; writes <run>/onnx/', default: `${DEFAULT_WORK_DIR}/run` },
      backend: BACKEND_OPTION,
      quiet: QUIET_OPTION,
    },
  },
  async run(o, _p, io) {
    await runQuantizeStage({ dataDir: o.data as string, runDir: o.run as string, backend: o.backend as string, reporter: io.reporter });
  },
});
