// Short constructors for node attributes, so exporters read like the ONNX operator spec.

import type { OnnxAttribute, OnnxTensor } from './onnx-model.ts';

export const intAttr = (name: string, value: number): OnnxAttribute => ({ name, type: 'int', value });
export const floatAttr = (name: string, value: number): OnnxAttribute => ({ name, type: 'float', value });
export const stringAttr = (name: string, value: string): OnnxAttribute => ({ name, type: 'string', value });
export const intsAttr = (name: string, value: readonly number[]): OnnxAttribute => ({ name, type: 'ints', value: [...value] });
export const floatsAttr = (name: string, value: readonly number[]): OnnxAttribute => ({ name, type: 'floats', value: [...value] });
export const tensorAttr = (name: string, value: OnnxTensor): OnnxAttribute => ({ name, type: 'tensor', value });

/** The attribute called `name` of a node, if present. */
export function findAttribute(attributes: readonly OnnxAttribute[], name: string): OnnxAttribute | undefined {
  return attributes.find((a) => a.name === name);
}

/** An int attribute's value, or `fallback` when the node leaves it at its default. */
export function intAttribute(attributes: readonly OnnxAttribute[], name: string, fallback: number): number {
  const attr = findAttribute(attributes, name);
  return attr?.type === 'int' ? attr.value : fallback;
}
