// fp16 mode: rewrite an fp32 ONNX model so weights and compute are float16 while callers still feed and read float32.

import { UnsupportedError, WhittleError } from '@whittle/datasets';
import { findAttribute, intAttr, tensorAttr } from '../onnx/attribute.ts';
import { ONNX_DATA_TYPES, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from '../onnx/onnx-model.ts';
import { FLOAT16_MAX, firstOutOfFloat16Range, float32ArrayToFloat16Bits } from './float16-bits.ts';
import { resolveFloat16Config, type Float16Config } from './float16-config.ts';
import { float32Tensors } from './float32-tensors.ts';
import { needsFloat32Input, producesFloat32Output } from './float32-only-ops.ts';

/** The default-domain opsets FLOAT32_ONLY_OPS was checked against. */
const CHECKED_OPSETS = Object.freeze({ min: 13, max: 17 });

type Precision = 'float16' | 'float32';

/** Picks names no tensor in the graph uses yet, so inserted Casts never capture an existing tensor. */
class FreshNames {
  private readonly taken: Set<string>;
  constructor(model: OnnxModel) {
    const g = model.graph;
    this.taken = new Set([...g.initializers, ...g.inputs, ...g.outputs, ...g.valueInfo].map((v) => v.name));
    for (const n of g.nodes) for (const t of [...n.inputs, ...n.outputs]) this.taken.add(t);
  }
  next(base: string): string {
    let name = base;
    for (let i = 1; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }
}

function castNode(input: string, output: string, to: Precision): OnnxNode {
  return { name: `cast_${output}`, opType: 'Cast', domain: '', inputs: [input], outputs: [output], attributes: [intAttr('to', ONNX_DATA_TYPES[to])] };
}

function defaultOpset(model: OnnxModel): number {
  const opset = model.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version;
  if (opset === undefined || opset < CHECKED_OPSETS.min || opset > CHECKED_OPSETS.max) {
    throw new UnsupportedError(`convertToFloat16 supports ai.onnx opsets ${CHECKED_OPSETS.min}-${CHECKED_OPSETS.max}; the model imports ${opset ?? 'none'}`, 'export with opset 13 (the default)');
  }
  return opset;
}

/** Converts float32 tensors to float16, enforcing the overflow policy and counting clamped values. */
class TensorConverter {
  clamped = 0;
  constructor(private readonly overflow: Float16Config['overflow']) {}

  convert(tensor: OnnxTensor & { dataType: 'float32' }, where: string): OnnxTensor {
    let { data } = tensor;
    const bad = firstOutOfFloat16Range(data);
    if (bad >= 0) {
      if (this.overflow === 'error') {
        throw new WhittleError('NUMERIC', `${where} holds ${data[bad]} at index ${bad}, beyond float16's ±${FLOAT16_MAX}`, { hint: "pass overflow: 'clamp' to write ±65504 instead, if the value only means 'very large'" });
      }
      data = data.map((x) => {
        if (Number.isFinite(x) && Math.abs(x) > FLOAT16_MAX) {
          this.clamped++;
          return Math.sign(x) * FLOAT16_MAX;
        }
        return x;
      });
    }
    return { name: tensor.name, dataType: 'float16', dims: tensor.dims, data: float32ArrayToFloat16Bits(data) };
  }
}

/**
 * Convert an fp32 model to float16 weights and compute (transformers.js' `onnx/model_fp16.onnx`);
 * returns a new model and leaves `model` untouched.
 * - float32 initializers and Constant / ConstantOfShape values become float16 (round to nearest even;
 *   values beyond ±65504 are an error, or clamped with `overflow: 'clamp'`); integer tensors are untouched;
 * - Cast(to=FLOAT) casts to FLOAT16, Random*(dtype=FLOAT) draw FLOAT16;
 * - inputs/outputs ONNX allows only in float32 (FLOAT32_ONLY_OPS: quantizers' scales, Range, Celu,
 *   Resize scales, ...) stay float32, with Casts between them and the float16 graph; a weight such an
 *   input reads stays float32 rather than being rounded then widened;
 * - with `keepIoTypes` (default) each float32 graph input is cast to float16 on entry and each float32
 *   output is cast back under its own name, so callers feed and read float32 as before;
 * - value_info, graph inputs and outputs carry the new element types.
 *
 * @example
 * const fp16 = convertToFloat16(decodeOnnxModel(await readFile('onnx/model.onnx')));
 * await writeFile('onnx/model_fp16.onnx', encodeOnnxModel(fp16));
 */
export function convertToFloat16(model: OnnxModel, options: Partial<Float16Config> = {}): OnnxModel {
  const config = resolveFloat16Config(options);
  const opset = defaultOpset(model);
  const { graph } = model;
  const isFloat = float32Tensors(graph);
  const io: Precision = config.keepIoTypes ? 'float32' : 'float16';

  // 1. Which precision each float tensor's readers need.
  const needs = new Map<string, Set<Precision>>();
  const need = (name: string, p: Precision): void => {
    if (name === '' || !isFloat.has(name)) return;
    needs.set(name, (needs.get(name) ?? new Set()).add(p));
  };
  const keptFloat32 = new Set<string>(); // op types that really kept a float tensor in float32, for the metadata
  for (const node of graph.nodes) {
    node.inputs.forEach((t, i) => {
      const float32Only = needsFloat32Input(node, i, opset);
      if (float32Only && isFloat.has(t)) keptFloat32.add(node.opType);
      need(t, float32Only ? 'float32' : 'float16');
    });
  }
  for (const v of graph.outputs) need(v.name, io);

  // 2. Which precision each float tensor is produced in. Weights (initializers, Constants) follow their
  // readers: any float32 reader keeps them exact in float32.
  const weightPrecision = (name: string): Precision => (needs.get(name)?.has('float32') ? 'float32' : 'float16');
  const source = new Map<string, Precision>();
  const initializerNames = new Set(graph.initializers.map((t) => t.name));
  // Initializers listed as inputs (IR < 4 style) are weights: they follow the weights' rule below.
  const graphInputs = graph.inputs.filter((v) => isFloat.has(v.name) && !initializerNames.has(v.name));
  for (const v of graphInputs) source.set(v.name, io);
  for (const t of graph.initializers) if (isFloat.has(t.name)) source.set(t.name, weightPrecision(t.name));
  for (const node of graph.nodes) {
    node.outputs.forEach((t, i) => {
      if (t === '' || !isFloat.has(t)) return;
      const float32Only = producesFloat32Output(node, i, opset);
      if (float32Only) keptFloat32.add(node.opType);
      source.set(t, node.opType === 'Constant' ? weightPrecision(t) : float32Only ? 'float32' : 'float16');
    });
  }

  // 3. Names: a graph output produced in the other precision than its declared one is produced under a
  // fresh name and cast back to its own, so outputs keep their names; other conversions get fresh names.
  const fresh = new FreshNames(model);
  const outputNames = new Set(graph.outputs.map((v) => v.name));
  const suffix = (p: Precision): string => (p === 'float16' ? 'fp16' : 'fp32');
  const internal = new Map<string, string>();
  const converted = new Map<string, string>(); // `${tensor}\n${precision}` -> name of the Cast's output
  for (const [t, src] of source) {
    for (const p of needs.get(t) ?? []) {
      if (p === src) continue;
      if (outputNames.has(t) && p === io) {
        internal.set(t, fresh.next(`${t}_${suffix(src)}`));
        converted.set(`${t}\n${p}`, t);
      } else converted.set(`${t}\n${p}`, fresh.next(`${t}_${suffix(p)}`));
    }
  }
  const nameOf = (t: string): string => internal.get(t) ?? t;
  const read = (t: string, p: Precision): string => (source.get(t) === p || !source.has(t) ? nameOf(t) : (converted.get(`${t}\n${p}`) as string));
  const castsOf = (t: string): OnnxNode[] => {
    const src = source.get(t);
    if (src === undefined) return [];
    return [...(needs.get(t) ?? [])].filter((p) => p !== src).map((p) => castNode(nameOf(t), converted.get(`${t}\n${p}`) as string, p));
  };

  // 4. Rewrite: weights, node attributes, inputs and outputs; Casts right after what they convert.
  const tensors = new TensorConverter(config.overflow);
  const initializers = graph.initializers.map((t) => (t.dataType === 'float32' && source.get(t.name) === 'float16' ? tensors.convert(t, `initializer '${t.name}'`) : t));
  const rewriteAttributes = (node: OnnxNode): OnnxAttribute[] => {
    const out = node.outputs[0] ?? '';
    if (source.get(out) !== 'float16') return [...node.attributes];
    const where = `${node.opType} node '${node.name || out}'`;
    switch (node.opType) {
      case 'Constant':
        return node.attributes.map((a) => {
          if (a.type === 'tensor' && a.value.dataType === 'float32') return tensorAttr(a.name, tensors.convert(a.value, `${where} value`));
          if (a.name === 'value_float' && a.type === 'float') return tensorAttr('value', tensors.convert({ name: '', dataType: 'float32', dims: [], data: Float32Array.of(a.value) }, where));
          if (a.name === 'value_floats' && a.type === 'floats') return tensorAttr('value', tensors.convert({ name: '', dataType: 'float32', dims: [a.value.length], data: Float32Array.from(a.value) }, where));
          return a;
        });
      case 'ConstantOfShape': {
        const value = findAttribute(node.attributes, 'value');
        // Without `value` the op fills float32 zeros: spell out a float16 zero.
        if (value === undefined) return [...node.attributes, tensorAttr('value', { name: '', dataType: 'float16', dims: [1], data: Uint16Array.of(0) })];
        return node.attributes.map((a) => (a === value && a.type === 'tensor' && a.value.dataType === 'float32' ? tensorAttr(a.name, tensors.convert(a.value, `${where} value`)) : a));
      }
      case 'Cast':
        return node.attributes.map((a) => (a.name === 'to' ? intAttr('to', ONNX_DATA_TYPES.float16) : a));
      case 'RandomNormal':
      case 'RandomUniform':
      case 'RandomNormalLike':
      case 'RandomUniformLike':
      case 'EyeLike':
      case 'Bernoulli': {
        const rest = node.attributes.filter((a) => a.name !== 'dtype');
        const dtype = findAttribute(node.attributes, 'dtype');
        // The *Like ops without dtype follow their (now float16) input; the others default to float32.
        const explicit = dtype !== undefined || node.opType === 'RandomNormal' || node.opType === 'RandomUniform';
        return explicit ? [...rest, intAttr('dtype', ONNX_DATA_TYPES.float16)] : rest;
      }
      default:
        return [...node.attributes];
    }
  };
  const nodes: OnnxNode[] = [...graphInputs.map((v) => v.name), ...initializers.map((t) => t.name)].flatMap(castsOf);
  for (const node of graph.nodes) {
    nodes.push({
      ...node,
      inputs: node.inputs.map((t, i) => (t !== '' && isFloat.has(t) ? read(t, needsFloat32Input(node, i, opset) ? 'float32' : 'float16') : t)),
      outputs: node.outputs.map(nameOf),
      attributes: rewriteAttributes(node),
    });
    for (const t of node.outputs) nodes.push(...castsOf(t));
  }

  // 5. Declared types follow the tensors: value_info by source precision, graph I/O by `keepIoTypes`.
  const typed = (v: OnnxValueInfo, p: Precision | undefined): OnnxValueInfo => (v.elemType === 'float32' && p === 'float16' ? { ...v, elemType: 'float16' } : v);
  const renamedOutputs = new Set(internal.keys());
  return {
    ...model,
    graph: {
      ...graph,
      nodes,
      initializers,
      inputs: graph.inputs.map((v) => typed(v, source.get(v.name))),
      outputs: graph.outputs.map((v) => typed(v, io)),
      valueInfo: graph.valueInfo.map((v) => (renamedOutputs.has(v.name) ? v : typed(v, source.get(v.name)))),
    },
    metadata: {
      ...model.metadata,
      whittle_quantization: [
        'float16 weights and compute',
        `${io} inputs/outputs`,
        `float32 kept for: ${keptFloat32.size > 0 ? [...keptFloat32].sort().join(', ') : 'none'}`,
        `${tensors.clamped} weight values clamped to ±${FLOAT16_MAX}`,
      ].join('; '),
    },
  };
}
