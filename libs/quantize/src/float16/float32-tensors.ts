// Which tensors of a graph hold float32: exporters rarely list every intermediate's type, so it is inferred per op.

import { UnsupportedError } from '@whittle/datasets';
import { findAttribute } from '../onnx/attribute.ts';
import type { OnnxGraph, OnnxNode } from '../onnx/onnx-model.ts';

/** TensorProto.DataType FLOAT, as Cast's `to` and the Random* ops' `dtype` spell it. */
export const FLOAT_CODE = 1;

/** Ops whose outputs are never float, whatever their inputs (indices, shapes, booleans, quantized integers). */
const NON_FLOAT_OPS = new Set([
  'ArgMax', 'ArgMin', 'Shape', 'Size', 'NonZero', 'NonMaxSuppression', 'Multinomial',
  'Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'Not', 'And', 'Or', 'Xor', 'IsNaN', 'IsInf',
  'QuantizeLinear', 'QLinearConv', 'QLinearMatMul', 'MatMulInteger', 'ConvInteger', 'StringNormalizer',
]);

/** Ops with subgraphs: the IR does not model graph attributes, so their bodies cannot be converted. */
const SUBGRAPH_OPS = new Set(['If', 'Loop', 'Scan']);

function intAttrValue(node: OnnxNode, name: string): number | undefined {
  const a = findAttribute(node.attributes, name);
  return a?.type === 'int' ? a.value : undefined;
}

/**
 * Whether each output of `node` is float32, given which inputs are. The default, output type = first
 * input's type, holds for elementwise, conv, pooling, normalization and data-movement ops alike.
 */
function floatOutputs(node: OnnxNode, isFloat: (name: string) => boolean): boolean[] {
  const n = node.outputs.length;
  const input = (i: number): boolean => node.inputs[i] !== undefined && node.inputs[i] !== '' && isFloat(node.inputs[i] as string);
  const all = (v: boolean): boolean[] => Array.from({ length: n }, () => v);
  const firstOnly = (v: boolean): boolean[] => Array.from({ length: n }, (_, i) => i === 0 && v);
  if (NON_FLOAT_OPS.has(node.opType)) return all(false);
  switch (node.opType) {
    case 'Cast':
      return all(intAttrValue(node, 'to') === FLOAT_CODE);
    case 'CastLike':
    case 'Where':
      return all(input(1));
    case 'OneHot':
      return all(input(2));
    case 'Constant': {
      const value = findAttribute(node.attributes, 'value');
      const isFloatValue = value?.type === 'tensor' && value.value.dataType === 'float32';
      return all(isFloatValue || node.attributes.some((a) => a.name === 'value_float' || a.name === 'value_floats'));
    }
    case 'ConstantOfShape': {
      // No `value` means a float32 zero.
      const value = findAttribute(node.attributes, 'value');
      return all(value === undefined || (value.type === 'tensor' && value.value.dataType === 'float32'));
    }
    case 'DequantizeLinear':
    case 'TfIdfVectorizer':
      return all(true);
    case 'DynamicQuantizeLinear':
      return [false, true, false];
    case 'TopK':
    case 'MaxPool':
    case 'Unique':
      // Values keep the input's type; indices and counts are int64.
      return firstOnly(input(0));
    case 'RandomNormal':
    case 'RandomUniform':
      return all((intAttrValue(node, 'dtype') ?? FLOAT_CODE) === FLOAT_CODE);
    case 'RandomNormalLike':
    case 'RandomUniformLike':
    case 'EyeLike':
    case 'Bernoulli': {
      const dtype = intAttrValue(node, 'dtype');
      return all(dtype === undefined ? input(0) : dtype === FLOAT_CODE);
    }
    default:
      return all(input(node.inputs.findIndex((name) => name !== '')));
  }
}

/**
 * The names of the float32 tensors of `graph`: float32 inputs, initializers and declared values, and
 * every node output inferred float32 from its op. A declared type (value_info, graph output) wins.
 * Throws UnsupportedError for ops outside ai.onnx and ops with subgraphs, whose types cannot be known here.
 */
export function float32Tensors(graph: OnnxGraph): Set<string> {
  const declared = new Map<string, boolean>();
  for (const v of [...graph.inputs, ...graph.valueInfo, ...graph.outputs]) declared.set(v.name, v.elemType === 'float32');
  for (const t of graph.initializers) declared.set(t.name, t.dataType === 'float32');
  const floats = new Set([...declared].filter(([, isFloat]) => isFloat).map(([name]) => name));
  for (const node of graph.nodes) {
    const label = `node '${node.name || node.opType}'`;
    if (node.domain !== '' && node.domain !== 'ai.onnx') {
      throw new UnsupportedError(`convertToFloat16 cannot type ${label} of op '${node.domain}:${node.opType}': only ai.onnx ops are supported`, 'convert the model before adding custom-domain ops, or keep it float32');
    }
    if (SUBGRAPH_OPS.has(node.opType)) throw new UnsupportedError(`convertToFloat16 cannot convert ${label}: ${node.opType} has a subgraph`, 'keep this model float32');
    const outputs = floatOutputs(node, (name) => floats.has(name));
    node.outputs.forEach((name, i) => {
      if (name !== '' && (declared.get(name) ?? outputs[i] === true)) floats.add(name);
    });
  }
  return floats;
}
