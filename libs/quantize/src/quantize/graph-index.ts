// Lookups over an ONNX graph that quantization needs: who produces and who reads each tensor.

import type { OnnxGraph, OnnxNode, OnnxTensor } from '../onnx/onnx-model.ts';

export class GraphIndex {
  readonly initializers: ReadonlyMap<string, OnnxTensor>;
  private readonly producers = new Map<string, OnnxNode>();
  private readonly consumers = new Map<string, OnnxNode[]>();
  private readonly graphOutputs: ReadonlySet<string>;
  private readonly graphInputs: ReadonlySet<string>;

  constructor(readonly graph: OnnxGraph) {
    this.initializers = new Map(graph.initializers.map((t) => [t.name, t]));
    for (const node of graph.nodes) {
      for (const output of node.outputs) this.producers.set(output, node);
      for (const input of node.inputs) if (input !== '') this.consumers.set(input, [...(this.consumers.get(input) ?? []), node]);
    }
    this.graphOutputs = new Set(graph.outputs.map((o) => o.name));
    this.graphInputs = new Set(graph.inputs.map((i) => i.name).filter((n) => !this.initializers.has(n)));
  }

  producer(tensor: string): OnnxNode | undefined {
    return this.producers.get(tensor);
  }

  consumersOf(tensor: string): readonly OnnxNode[] {
    return this.consumers.get(tensor) ?? [];
  }

  isGraphOutput(tensor: string): boolean {
    return this.graphOutputs.has(tensor);
  }

  isGraphInput(tensor: string): boolean {
    return this.graphInputs.has(tensor);
  }

  /** A float32 initializer (a weight or bias), or undefined for activations and other types. */
  floatInitializer(tensor: string): Extract<OnnxTensor, { dataType: 'float32' }> | undefined {
    const t = this.initializers.get(tensor);
    return t?.dataType === 'float32' ? t : undefined;
  }

  /** A float tensor computed at run time (graph input or node output), as opposed to a constant. */
  isActivation(tensor: string): boolean {
    return tensor !== '' && !this.initializers.has(tensor) && (this.producers.has(tensor) || this.graphInputs.has(tensor));
  }
}
