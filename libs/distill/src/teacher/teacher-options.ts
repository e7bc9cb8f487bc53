// How teacher logits are computed: our class order, batching, progress, waveforms for audio teachers.

import { ConfigError, KWS_LABELS, SILENT_REPORTER, type FeatureNormalization, type Reporter } from '@whittle/datasets';

export interface TeacherLogitsOptions {
  /** Our class names: column c of the result is the teacher's logit for labels[c]. Default KWS_LABELS. */
  readonly labels?: readonly string[];
  /**
   * Raw mono waveform of row `row` of the set at 16 kHz (the clip its features were computed from).
   * Required by 'transformers' teachers, whose own preprocessor builds their features.
   */
  readonly audio?: (row: number) => Promise<Float32Array>;
  /**
   * The statistics the set's features were normalised with. Given this, an 'onnx' teacher in a transformers.js
   * directory whose preprocessor_config.json carries other statistics is fed the rows re-normalised to its own
   * (the affine map between the two is exact). Without it, rows are fed as they are.
   */
  readonly setNormalization?: FeatureNormalization;
  /** Rows per teacher call. Default 256. */
  readonly batchSize?: number;
  /** onnxruntime intra-op threads for 'onnx' teachers. Default: onnxruntime's choice. */
  readonly threads?: number;
  readonly reporter?: Reporter;
  /** Checked between batches: once aborted, the call throws an INTERRUPTED WhittleError. */
  readonly signal?: AbortSignal;
}

export interface ResolvedTeacherOptions {
  readonly labels: readonly string[];
  readonly audio: ((row: number) => Promise<Float32Array>) | undefined;
  readonly setNormalization: FeatureNormalization | undefined;
  readonly batchSize: number;
  readonly threads: number | undefined;
  readonly reporter: Reporter;
  readonly signal: AbortSignal | undefined;
}

/** Validate and complete teacher options; errors name the option and what was expected. */
export function resolveTeacherOptions(options: TeacherLogitsOptions = {}): ResolvedTeacherOptions {
  const labels = options.labels ?? KWS_LABELS;
  if (labels.length === 0) throw new ConfigError("Option 'labels' passed to 'teacherLogits' must name at least one class; got []");
  const repeated = labels.filter((l, i) => labels.indexOf(l) !== i);
  if (repeated.length > 0) {
    throw new ConfigError(`Option 'labels' passed to 'teacherLogits' must not repeat a class; got ${[...new Set(repeated)].map((l) => `'${l}'`).join(', ')} twice`);
  }
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ConfigError(`Option 'batchSize' passed to 'teacherLogits' must be a positive integer; got ${batchSize}`);
  const threads = options.threads;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
    throw new ConfigError(`Option 'threads' passed to 'teacherLogits' must be a positive integer; got ${threads}`);
  }
  const norm = options.setNormalization;
  if (norm !== undefined && !(Number.isFinite(norm.mean) && Number.isFinite(norm.std) && norm.std > 0)) {
    throw new ConfigError(`Option 'setNormalization' passed to 'teacherLogits' must have a finite mean and a positive std; got mean ${norm.mean}, std ${norm.std}`);
  }
  return {
    labels,
    audio: options.audio,
    setNormalization: norm,
    batchSize,
    threads,
    reporter: options.reporter ?? SILENT_REPORTER,
    signal: options.signal,
  };
}
