// The published ONNX files, their variant ids in reports and manifests, and the transformers.js dtype that loads each.

/** transformers.js picks the file by dtype (`model{,_fp16,_int8,_quantized}.onnx`); one table so eval, bench, reports and cards agree. */
export const PUBLISHED_ONNX_FILES = Object.freeze([
  { file: 'model.onnx', id: 'fp32', dtype: 'fp32' },
  { file: 'model_fp16.onnx', id: 'fp16', dtype: 'fp16' },
  { file: 'model_int8.onnx', id: 'int8', dtype: 'int8' },
  { file: 'model_quantized.onnx', id: 'dynamic-int8', dtype: 'q8' },
] as const);

export type PublishedVariantId = (typeof PUBLISHED_ONNX_FILES)[number]['id'];

/** The entry of a published variant id. */
export function publishedFile(id: PublishedVariantId): (typeof PUBLISHED_ONNX_FILES)[number] {
  return PUBLISHED_ONNX_FILES.find((f) => f.id === id) as (typeof PUBLISHED_ONNX_FILES)[number];
}

/** The variant id of an ONNX file name: the table's, else the `model_<suffix>.onnx` suffix; undefined for other files. */
export function variantIdOfFile(file: string): string | undefined {
  const known = PUBLISHED_ONNX_FILES.find((f) => f.file === file);
  if (known !== undefined) return known.id;
  return /^model_([A-Za-z0-9-]+)\.onnx$/.exec(file)?.[1];
}
