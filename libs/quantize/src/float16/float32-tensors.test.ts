// float32Tensors: which tensors are float32, from declarations and per-op rules.
import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '@whittle/datasets';
import { intAttr } from '../onnx/attribute.ts';
import type { OnnxGraph, OnnxNode } from '../onnx/onnx-model.ts';
import { float32Tensors } from './float32-tensors.ts';

const node = (opType: string, inputs: string[], outputs: string[], attributes: OnnxNode['attributes'] = []): OnnxNode => ({ name: outputs[0] ?? opType, opType, domain: '', inputs, outputs, attributes });

const GRAPH: OnnxGraph = {
  name: 'g',
  inputs: [
    { name: 'x', elemType: 'float32', shape: [1, 4] },
    { name: 'ids', elemType: 'int64', shape: [2] },
  ],
  outputs: [],
  valueInfo: [{ name: 'declared', elemType: 'int32', shape: [1, 4] }],
  initializers: [{ name: 'k', dataType: 'int64', dims: [1], data: BigInt64Array.of(2n) }],
  nodes: [
    node('Relu', ['x'], ['relu']),
    node('TopK', ['relu', 'k'], ['top_values', 'top_indices']),
    node('ArgMax', ['x'], ['argmax']),
    node('Greater', ['x', 'relu'], ['mask']),
    node('Where', ['mask', 'x', 'relu'], ['where']),
    node('Gather', ['ids', 'k'], ['gathered_ids']),
    node('Cast', ['ids'], ['ids_float'], [intAttr('to', 1)]),
    node('Cast', ['x'], ['x_int'], [intAttr('to', 7)]),
    node('ConstantOfShape', ['ids'], ['zeros']),
    node('DequantizeLinear', ['q', 's'], ['dq']),
    node('Cast', ['x'], ['declared'], [intAttr('to', 1)]),
    node('MaxPool', ['x'], ['pooled', 'pool_indices']),
  ],
};

describe('float32Tensors', () => {
  it('follows inputs by default and knows the ops whose outputs are indices, masks or casts', () => {
    expect([...float32Tensors(GRAPH)].sort()).toEqual(['dq', 'ids_float', 'pooled', 'relu', 'top_values', 'where', 'x', 'zeros']);
  });

  it('refuses custom-domain ops and subgraphs, naming the node', () => {
    const custom: OnnxGraph = { ...GRAPH, nodes: [{ ...node('FusedConv', ['x'], ['y']), domain: 'com.microsoft' }] };
    expect(() => float32Tensors(custom)).toThrow(UnsupportedError);
    expect(() => float32Tensors(custom)).toThrow("node 'y' of op 'com.microsoft:FusedConv'");
    expect(() => float32Tensors({ ...GRAPH, nodes: [node('If', ['mask'], ['y'])] })).toThrow("node 'y': If has a subgraph");
  });
});
