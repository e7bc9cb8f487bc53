// Per-layer debugging of static quantization: how much error each quantized node adds, and which ones hurt the output most.

import * as ort from 'onnxruntime-node';
import { UnsupportedError, WhittleError } from '@whittle/datasets';
import type { CalibrationFeed } from '../calibrate/collect-min-max.ts';
import { feedBatches, type FeedBatch } from '../calibrate/feed-batches.ts';
import type { OnnxModel, OnnxNode, OnnxTensor } from '../onnx/onnx-model.ts';
import { withGraphOutputs } from '../onnx/with-graph-outputs.ts';
import { encodeOnnxModel } from '../proto/encode-onnx-model.ts';
import { GraphIndex } from '../quantize/graph-index.ts';
import { planQdq } from '../quantize/qdq-plan.ts';
import { quantizeStatic } from '../quantize/quantize-static.ts';
import type { StaticQuantizeConfig } from '../quantize/static-quantize-config.ts';
import { widenRange, type TensorRanges } from '../quantize/tensor-ranges.ts';
import { getOpQuantizer } from '../registry.ts';
import { ErrorAccumulator, type ErrorStats } from './error-stats.ts';

export interface LayerReportOptions {
  /** The ranges and config `quantized` was built with: the isolated runs requantize one node at a time from them. */
  readonly ranges: TensorRanges;
  readonly config: StaticQuantizeConfig;
  /** Feeds per onnxruntime run. Default 32. */
  readonly batchSize?: number;
  /** onnxruntime intra-op threads. Default 1. */
  readonly threads?: number;
  /** Called after each isolated run (one per quantized node), for progress display. */
  readonly onLayer?: (node: string, done: number, total: number) => void;
}

/** The scale and zero point of one quantized activation. */
export interface ActivationQuantization {
  readonly scale: number;
  readonly zeroPoint: number;
}

/** One quantized compute node. Plain data: the report is written as JSON as is. */
export interface LayerReportRow {
  /** Node name, the same in the fp32 and the quantized graph (the exported layer name). */
  readonly node: string;
  readonly opType: string;
  /**
   * The fp32 tensor compared: the node's output, or its ReLU's/Clip's output when that is the only
   * reader, since that is what gets quantized (and what the fused int8 kernel emits).
   */
  readonly tensor: string;
  /**
   * That tensor in the quantized model (its dequantized int8 value when it is quantized) against
   * fp32. Accumulated: it includes every earlier layer's error, so later layers look worse.
   */
  readonly accumulated: ErrorStats;
  /** The model outputs when only this node is quantized, everything else float: ranks layers for fallback. */
  readonly isolated: ErrorStats;
  /** Range of the fp32 weight and of its per-channel scales; null for weightless ops (Add, pools). */
  readonly weight: { readonly min: number; readonly max: number; readonly scaleMin: number; readonly scaleMax: number; readonly channels: number } | null;
  /** Quantization of the node's activation inputs, in input order. */
  readonly inputs: readonly ActivationQuantization[];
  /** Quantization of the compared tensor; null when it stays float (graph outputs such as logits). */
  readonly output: ActivationQuantization | null;
}

export interface LayerReport {
  /** Samples (batch rows) every comparison ran on. */
  readonly samples: number;
  /** The whole quantized model's outputs against fp32. */
  readonly output: ErrorStats;
  /** Every quantized compute node, worst isolated output SNR first (graph order breaks ties). */
  readonly layers: readonly LayerReportRow[];
}

/** The tensor a node's quantized result lives in: after a ReLU/Clip that is its only reader. */
function activatedOutput(node: OnnxNode, index: GraphIndex): string {
  const output = node.outputs[0] as string;
  const readers = index.consumersOf(output);
  const only = readers[0];
  if (readers.length === 1 && only !== undefined && (only.opType === 'Relu' || only.opType === 'Clip') && only.inputs[0] === output) return only.outputs[0] ?? output;
  return output;
}

function scalar(index: GraphIndex, name: string | undefined): number {
  const t = name === undefined ? undefined : index.initializers.get(name);
  if (t === undefined || t.dataType === 'int64') return 0;
  return Number(t.data[0] ?? 0);
}

function initializerValues(index: GraphIndex, name: string | undefined): Extract<OnnxTensor, { dataType: 'float32' }>['data'] | undefined {
  const t = name === undefined ? undefined : index.initializers.get(name);
  return t?.dataType === 'float32' ? t.data : undefined;
}

interface Located {
  readonly fp32: OnnxNode;
  /** fp32 tensor and quantized-graph tensor holding the node's (activated) result. */
  readonly fp32Tensor: string;
  readonly quantizedTensor: string;
  readonly weight: LayerReportRow['weight'];
  readonly inputs: readonly ActivationQuantization[];
  readonly output: ActivationQuantization | null;
}

/**
 * Find each quantizable fp32 node in the quantized graph by name (tensor names are compacted there,
 * node names kept) and read what quantizeStatic did to it. A node counts as quantized when every
 * tensor its op quantizer asks for reaches it through a DequantizeLinear.
 */
function locateQuantizedNodes(fp32: OnnxModel, quantized: OnnxModel): Located[] {
  const fpIndex = new GraphIndex(fp32.graph);
  const qIndex = new GraphIndex(quantized.graph);
  const qByName = new Map<string, OnnxNode>();
  for (const n of quantized.graph.nodes) if (n.name !== '') qByName.set(n.name, n);
  const dqOf = (tensor: string): OnnxNode | undefined => {
    const p = qIndex.producer(tensor);
    return p?.opType === 'DequantizeLinear' ? p : undefined;
  };
  const located: Located[] = [];
  for (const name of planQdq(fp32.graph).quantizable) {
    const fpNode = fp32.graph.nodes.find((n) => n.name === name) as OnnxNode;
    const qNode = qByName.get(name);
    if (qNode === undefined || qNode.opType !== fpNode.opType || qNode.inputs.length !== fpNode.inputs.length) {
      throw new WhittleError('INVALID_ARGUMENT', `The quantized model has no ${fpNode.opType} node named '${name}' matching the fp32 one`, { hint: 'pass the model quantizeStatic made from this fp32 model' });
    }
    const quantizer = getOpQuantizer(fpNode.opType);
    const request = quantizer?.kind === 'compute' ? quantizer.request(fpNode, fpIndex) : undefined;
    if (request === undefined) continue;
    const asked = new Set([...request.activations, ...request.weights.map((w) => w.tensor), ...request.biases.map((b) => b.tensor)]);
    const positions = fpNode.inputs.map((t, i) => (asked.has(t) ? i : -1)).filter((i) => i >= 0);
    if (!positions.every((i) => dqOf(qNode.inputs[i] as string) !== undefined)) continue;

    const params = (dq: OnnxNode): ActivationQuantization => ({ scale: scalar(qIndex, dq.inputs[1]), zeroPoint: scalar(qIndex, dq.inputs[2]) });
    const inputs = fpNode.inputs.flatMap((t, i) => (request.activations.includes(t) ? [params(dqOf(qNode.inputs[i] as string) as OnnxNode)] : []));
    let weight: LayerReportRow['weight'] = null;
    const w = request.weights[0];
    if (w !== undefined) {
      const at = fpNode.inputs.indexOf(w.tensor);
      const scales = initializerValues(qIndex, dqOf(qNode.inputs[at] as string)?.inputs[1]) ?? Float32Array.of();
      const range = widenRange(undefined, fpIndex.floatInitializer(w.tensor)?.data ?? []);
      const scaleRange = widenRange(undefined, scales);
      weight = { min: range.min, max: range.max, scaleMin: scaleRange.min, scaleMax: scaleRange.max, channels: scales.length };
    }
    const fpTensor = activatedOutput(fpNode, fpIndex);
    const qActivated = activatedOutput(qNode, qIndex);
    // Quantized result: QuantizeLinear -> DequantizeLinear after the activated output.
    const q = qIndex.consumersOf(qActivated).find((n) => n.opType === 'QuantizeLinear');
    const dq = q === undefined ? undefined : qIndex.consumersOf(q.outputs[0] as string).find((n) => n.opType === 'DequantizeLinear');
    located.push({
      fp32: fpNode,
      fp32Tensor: fpTensor,
      quantizedTensor: dq === undefined ? qActivated : (dq.outputs[0] as string),
      weight,
      inputs,
      output: dq === undefined ? null : params(dq),
    });
  }
  return located;
}

async function session(model: OnnxModel, threads: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(encodeOnnxModel(model), { intraOpNumThreads: threads, interOpNumThreads: 1 });
}

/** The float32 values of each fetched tensor of one run. */
async function runFetches(session: ort.InferenceSession, batch: FeedBatch, fetches: readonly string[]): Promise<Map<string, Float32Array>> {
  const results = await session.run(batch.inputs, [...fetches]);
  const out = new Map<string, Float32Array>();
  for (const name of fetches) {
    const tensor = results[name] as ort.Tensor;
    if (tensor.type !== 'float32') throw new UnsupportedError(`Tensor '${name}' is ${tensor.type}; the quantization report compares float32 tensors only`);
    out.set(name, tensor.data as Float32Array);
  }
  return out;
}

/** Graph outputs of `model` on every batch, compared against `reference` (fp32 outputs per batch). */
async function outputError(model: OnnxModel, batches: readonly FeedBatch[], reference: readonly Map<string, Float32Array>[], threads: number): Promise<ErrorStats> {
  const outputs = model.graph.outputs.map((o) => o.name);
  const s = await session(model, threads);
  try {
    const acc = new ErrorAccumulator();
    for (const [i, batch] of batches.entries()) {
      const got = await runFetches(s, batch, outputs);
      for (const name of outputs) acc.add(reference[i]?.get(name) as Float32Array, got.get(name) as Float32Array);
    }
    return acc.stats();
  } finally {
    await s.release();
  }
}

/**
 * Compare `quantized` with `fp32` node by node on `feeds` (run on onnxruntime-node, the compared
 * tensors added as graph outputs), and measure each quantized node's isolated effect: the model
 * output SNR when only that node is quantized. The accumulated numbers show where error builds up;
 * the isolated ones say which layers to keep float (the accumulated SNR would blame every layer
 * after the first bad one).
 *
 * @example
 * const report = await layerQuantizationReport(fp32, int8, validationFeeds(), { ranges, config });
 * const order = report.layers.map((l) => l.node); // most damaging first
 */
export async function layerQuantizationReport(fp32: OnnxModel, quantized: OnnxModel, feeds: AsyncIterable<CalibrationFeed> | Iterable<CalibrationFeed>, options: LayerReportOptions): Promise<LayerReport> {
  const threads = options.threads ?? 1;
  const inputNames = fp32.graph.inputs.map((i) => i.name);
  // Every batch is needed again for each isolated run, so they are all kept.
  const batches: FeedBatch[] = [];
  for await (const batch of feedBatches(feeds, inputNames, options.batchSize ?? 32, 'layerQuantizationReport')) batches.push(batch);
  if (batches.length === 0) throw new WhittleError('INVALID_ARGUMENT', `'layerQuantizationReport' received no feeds`, { hint: 'pass an iterable that yields at least one feed' });
  const located = locateQuantizedNodes(fp32, quantized);
  const outputs = fp32.graph.outputs.map((o) => o.name);

  // Accumulated error: both models side by side, one batch at a time (activations of 128 clips would not fit comfortably).
  const fpFetches = [...new Set([...outputs, ...located.map((l) => l.fp32Tensor)])];
  const qFetches = [...new Set([...outputs, ...located.map((l) => l.quantizedTensor)])];
  const fpSession = await session(withGraphOutputs(fp32, fpFetches), threads);
  const reference: Map<string, Float32Array>[] = [];
  const accumulated = located.map(() => new ErrorAccumulator());
  const output = new ErrorAccumulator();
  try {
    const qSession = await session(withGraphOutputs(quantized, qFetches), threads);
    try {
      for (const batch of batches) {
        const a = await runFetches(fpSession, batch, fpFetches);
        const b = await runFetches(qSession, batch, qFetches);
        reference.push(new Map(outputs.map((o) => [o, a.get(o) as Float32Array])));
        for (const o of outputs) output.add(a.get(o) as Float32Array, b.get(o) as Float32Array);
        for (const [i, l] of located.entries()) accumulated[i]?.add(a.get(l.fp32Tensor) as Float32Array, b.get(l.quantizedTensor) as Float32Array);
      }
    } finally {
      await qSession.release();
    }
  } finally {
    await fpSession.release();
  }

  // Isolated: requantize with every other quantizable node kept float.
  const quantizable = planQdq(fp32.graph).quantizable;
  const rows: LayerReportRow[] = [];
  for (const [i, l] of located.entries()) {
    const name = l.fp32.name;
    const alone = quantizeStatic(fp32, options.ranges, options.config, { keepFloat: quantizable.filter((n) => n !== name) });
    const isolated = await outputError(alone, batches, reference, threads);
    rows.push({ node: name, opType: l.fp32.opType, tensor: l.fp32Tensor, accumulated: (accumulated[i] as ErrorAccumulator).stats(), isolated, weight: l.weight, inputs: l.inputs, output: l.output });
    options.onLayer?.(name, i + 1, located.length);
  }
  const order = new Map(rows.map((r, i) => [r.node, i]));
  rows.sort((a, b) => a.isolated.snrDb - b.isolated.snrDb || (order.get(a.node) as number) - (order.get(b.node) as number));
  return { samples: batches.reduce((n, b) => n + b.samples, 0), output: output.stats(), layers: rows };
}
