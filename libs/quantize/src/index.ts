// Public API of @whittle/quantize: tfjs -> ONNX export, ONNX protobuf I/O, static int8 QDQ quantization.

// The in-memory ONNX model and its bytes.
export type { OnnxAttribute, OnnxDataType, OnnxDim, OnnxGraph, OnnxModel, OnnxNode, OnnxOpsetImport, OnnxTensor, OnnxValueInfo } from './onnx/onnx-model.ts';
export { encodeOnnxModel } from './proto/encode-onnx-model.ts';
export { decodeOnnxModel } from './proto/decode-onnx-model.ts';
export { compactTensorNames } from './onnx/compact-tensor-names.ts';

// tfjs LayersModel -> ONNX fp32.
export { DEFAULT_EXPORT_CONFIG, SUPPORTED_OPSETS, resolveExportConfig } from './export/export-config.ts';
export type { ExportConfig } from './export/export-config.ts';
export { exportLayersModel } from './export/export-layers-model.ts';

// Static int8 quantization: collect (calibration) -> apply.
export { DEFAULT_STATIC_QUANTIZE_CONFIG, resolveStaticQuantizeConfig } from './quantize/static-quantize-config.ts';
export type { ActivationType, StaticQuantizeConfig, StaticQuantizeConfigInput } from './quantize/static-quantize-config.ts';
export { collectMinMax } from './calibrate/collect-min-max.ts';
export type { CalibrationFeed, CollectMinMaxOptions } from './calibrate/collect-min-max.ts';
export { rowFeeds } from './calibrate/row-feeds.ts';
export type { RowFeedsOptions, RowMajorSamples } from './calibrate/row-feeds.ts';
export type { TensorRange, TensorRanges } from './quantize/tensor-ranges.ts';
export { quantizeStatic } from './quantize/quantize-static.ts';
export { planQdq } from './quantize/qdq-plan.ts';
export type { QdqPlan, QdqPlanOptions } from './quantize/qdq-plan.ts';

// Calibration methods: min/max, percentile, entropy (KL), one onnxruntime pass each.
export { DEFAULT_CALIBRATION_CONFIGS, resolveCalibrationConfig } from './quantize/static-quantize-config.ts';
export type { CalibrationConfig, CalibrationConfigInput, CalibrationMethod, EntropyCalibrationConfig, MinMaxCalibrationConfig, PercentileCalibrationConfig } from './quantize/static-quantize-config.ts';
export { collectRanges } from './calibrate/collect-ranges.ts';
export type { CollectRangesOptions } from './calibrate/collect-ranges.ts';
export type { CalibrationRunOptions } from './calibrate/run-calibration.ts';
export { CALIBRATORS, getCalibrator } from './registry.ts';
export type { Calibrator, TensorObserver } from './calibrate/calibrator.ts';

// Quantization-aware fine-tuning in tfjs through the fake-quant of the static QDQ graph it exports to.
export { DEFAULT_QAT_CONFIG, resolveQatConfig } from './qat/qat-config.ts';
export type { QatConfig, QatConfigInput } from './qat/qat-config.ts';
export { quantizationAwareFineTune } from './qat/quantization-aware-fine-tune.ts';
export type { QatData, QatEpochRecord, QatOptions, QatResult } from './qat/quantization-aware-fine-tune.ts';
export { buildFakeQuantModel } from './qat/fake-quant-model.ts';
export type { FakeQuantModel, QuantizedKernel } from './qat/fake-quant-model.ts';
export { fakeQuantize } from './qat/fake-quantize.ts';
export { fakeQuantizeKernel } from './qat/fake-quantize-kernel.ts';

// Per-layer quantization debugging and accuracy-aware fallback.
export { ErrorAccumulator, errorStats, SNR_LIMIT_DB } from './debug/error-stats.ts';
export type { ErrorStats } from './debug/error-stats.ts';
export { layerQuantizationReport } from './debug/layer-quantization-report.ts';
export type { ActivationQuantization, LayerReport, LayerReportOptions, LayerReportRow } from './debug/layer-quantization-report.ts';
export { quantizeWithinDrop } from './debug/quantize-within-drop.ts';
export type { FallbackStep, QuantizeWithinDropOptions, QuantizeWithinDropResult } from './debug/quantize-within-drop.ts';

// fp16: float16 weights and compute, float32 inputs/outputs (onnx/model_fp16.onnx).
export { convertToFloat16 } from './float16/convert-to-float16.ts';
export { DEFAULT_FLOAT16_CONFIG, resolveFloat16Config } from './float16/float16-config.ts';
export type { Float16Config } from './float16/float16-config.ts';
export { FLOAT32_ONLY_OPS } from './float16/float32-only-ops.ts';
export { FLOAT16_MAX, float16BitsToFloat32, float32ToFloat16Bits } from './float16/float16-bits.ts';

// Dynamic int8 quantization of dense layers (int8 weights, uint8 activations quantized at run time).
export { DEFAULT_DYNAMIC_QUANTIZE_CONFIG, DYNAMIC_QUANTIZE_OPS, resolveDynamicQuantizeConfig } from './dynamic/dynamic-quantize-config.ts';
export type { DynamicQuantizeConfig, DynamicQuantizeConfigInput, DynamicQuantizeOp } from './dynamic/dynamic-quantize-config.ts';
export { quantizeDynamic } from './dynamic/quantize-dynamic.ts';

// Quantization arithmetic (ONNX QuantizeLinear semantics).
export { activationParams, symmetricWeightParams } from './quantize/math/quant-params.ts';
export type { QuantParams } from './quantize/math/quant-params.ts';
export { dequantizeValue, quantizeArray } from './quantize/math/quantize-values.ts';
export { roundHalfToEven } from './quantize/math/round-half-to-even.ts';

// The closed sets: which tfjs layers export and which ONNX ops quantize.
export { LAYER_EXPORTERS, OP_QUANTIZERS } from './registry.ts';
