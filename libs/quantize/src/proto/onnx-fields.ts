// Field numbers of the onnx.proto messages Whittle reads and writes (onnx/onnx.proto, IR version 8).

export const MODEL = Object.freeze({ irVersion: 1, producerName: 2, producerVersion: 3, domain: 4, modelVersion: 5, docString: 6, graph: 7, opsetImport: 8, metadataProps: 14 });
export const OPSET_ID = Object.freeze({ domain: 1, version: 2 });
export const STRING_ENTRY = Object.freeze({ key: 1, value: 2 });
export const GRAPH = Object.freeze({ node: 1, name: 2, initializer: 5, docString: 10, input: 11, output: 12, valueInfo: 13, sparseInitializer: 15 });
export const NODE = Object.freeze({ input: 1, output: 2, name: 3, opType: 4, attribute: 5, docString: 6, domain: 7 });
export const ATTRIBUTE = Object.freeze({ name: 1, f: 2, i: 3, s: 4, t: 5, floats: 7, ints: 8, type: 20 });
/** AttributeProto.AttributeType codes. */
export const ATTRIBUTE_TYPE = Object.freeze({ float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 });
export const TENSOR = Object.freeze({ dims: 1, dataType: 2, segment: 3, floatData: 4, int32Data: 5, stringData: 6, int64Data: 7, name: 8, rawData: 9, doubleData: 10, uint64Data: 11, externalData: 13, dataLocation: 14 });
/** TensorProto.DataLocation codes. */
export const DATA_LOCATION = Object.freeze({ default: 0, external: 1 });
export const VALUE_INFO = Object.freeze({ name: 1, type: 2 });
export const TYPE = Object.freeze({ tensorType: 1 });
export const TENSOR_TYPE = Object.freeze({ elemType: 1, shape: 2 });
export const SHAPE = Object.freeze({ dim: 1 });
export const DIMENSION = Object.freeze({ dimValue: 1, dimParam: 2 });
