// The in-memory ONNX model: a typed, immutable mirror of the ModelProto fields Whittle writes and reads.

/** Tensor element types Whittle emits; the numbers are onnx.proto's TensorProto.DataType codes. */
export const ONNX_DATA_TYPES = Object.freeze({
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  float16: 10,
});

export type OnnxDataType = keyof typeof ONNX_DATA_TYPES;

/** An initializer (or tensor attribute): element type and storage travel together so they never disagree. */
export type OnnxTensor =
  | { readonly name: string; readonly dataType: 'float32'; readonly dims: readonly number[]; readonly data: Float32Array }
  | { readonly name: string; readonly dataType: 'uint8'; readonly dims: readonly number[]; readonly data: Uint8Array }
  | { readonly name: string; readonly dataType: 'int8'; readonly dims: readonly number[]; readonly data: Int8Array }
  | { readonly name: string; readonly dataType: 'int32'; readonly dims: readonly number[]; readonly data: Int32Array }
  | { readonly name: string; readonly dataType: 'int64'; readonly dims: readonly number[]; readonly data: BigInt64Array }
  /** IEEE 754 binary16 bit patterns: JS has no half-float array, and the bits are what raw_data stores. */
  | { readonly name: string; readonly dataType: 'float16'; readonly dims: readonly number[]; readonly data: Uint16Array };

/** A node attribute; `type` picks which AttributeProto field carries the value. */
export type OnnxAttribute =
  | { readonly name: string; readonly type: 'int'; readonly value: number }
  | { readonly name: string; readonly type: 'float'; readonly value: number }
  | { readonly name: string; readonly type: 'string'; readonly value: string }
  | { readonly name: string; readonly type: 'tensor'; readonly value: OnnxTensor }
  | { readonly name: string; readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly name: string; readonly type: 'floats'; readonly value: readonly number[] };

export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  /** '' is the default ai.onnx domain. */
  readonly domain: string;
  /** '' marks an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: readonly OnnxAttribute[];
}

/** One dimension: a fixed size, or a symbolic name such as 'batch'. */
export type OnnxDim = number | string;

/** A graph input/output/value_info entry; `shape` undefined means rank unknown. */
export interface OnnxValueInfo {
  readonly name: string;
  readonly elemType: OnnxDataType;
  readonly shape: readonly OnnxDim[] | undefined;
}

export interface OnnxGraph {
  readonly name: string;
  /** Topologically sorted, as ONNX requires. */
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly valueInfo: readonly OnnxValueInfo[];
}

export interface OnnxOpsetImport {
  readonly domain: string;
  readonly version: number;
}

export interface OnnxModel {
  readonly irVersion: number;
  readonly opsetImports: readonly OnnxOpsetImport[];
  readonly producerName: string;
  readonly producerVersion: string;
  readonly docString: string;
  readonly graph: OnnxGraph;
  /** ModelProto.metadata_props, in insertion order. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** Bytes per element of each data type (raw_data is always little-endian, packed). */
export function bytesPerElement(dataType: OnnxDataType): number {
  switch (dataType) {
    case 'float32':
    case 'int32':
      return 4;
    case 'uint8':
    case 'int8':
      return 1;
    case 'float16':
      return 2;
    case 'int64':
      return 8;
  }
}

/** Number of elements a dims list describes (1 for a scalar). */
export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
