// `whittle quantize`: export a run's tfjs model to ONNX fp32 (parity-checked) and build every quantized mode from it.

import { defineCommand } from '../cli/command.ts';
import { runQuantizeStage } from '../pipeline/quantize-stage.ts';
import { BACKEND_OPTION, DEFAULT_WORK_DIR, QUANTIZE_OPTIONS, QUIET_OPTION, withQuantizeFlags } from './common-options.ts';

export const quantizeCommand = defineCommand({
  spec: {
    name: 'quantize',
    summary: 'Export the trained model to ONNX fp32 and build fp16, accuracy-aware static int8 (QDQ), dynamic int8, QAT int8 and the compared int8 recipes',
    usage: 'whittle quantize --data <dir> --run <dir> [--max-drop <points>] [--calibration minmax|percentile|entropy]',
    options: {
      data: { kind: 'string', description: 'the dataset the run was trained on (test split for parity, training clips for calibration)', default: `${DEFAULT_WORK_DIR}/data` },
      run: { kind: 'string', description: 'run directory with train/; writes <run>/onnx/', default: `${DEFAULT_WORK_DIR}/run` },
      ...QUANTIZE_OPTIONS,
      backend: BACKEND_OPTION,
      quiet: QUIET_OPTION,
    },
    examples: ['whittle quantize --max-drop 0.1', 'whittle quantize --calibration percentile --percentile 99.9 --qat-epochs 0', 'whittle quantize --max-drop none --weights per-tensor'],
  },
  async run(o, _p, io) {
    await runQuantizeStage({ dataDir: o.data as string, runDir: o.run as string, backend: o.backend as string, reporter: io.reporter, settings: (configured) => withQuantizeFlags(configured, o) });
  },
});
