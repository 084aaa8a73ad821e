/**
 * @clipq/cli as a library: the functions behind each `clipq` command, returning structured results,
 * and the loaders for converted models. Importing it registers clipq's graph custom ops.
 */
import './lib/graph/register_ops.js';

export type { BackendInfo } from './lib/backend.js';
export { installedBackends, setupBackend } from './lib/backend.js';
export type { BenchResult, BenchRow } from './lib/bench.js';
export { benchModel } from './lib/bench.js';
export type { CalibrationSet } from './lib/calibration/load_calibration.js';
export { loadCalibration } from './lib/calibration/load_calibration.js';
export type { NpyArray } from './lib/calibration/npy.js';
export { encodeNpy, parseNpy } from './lib/calibration/npy.js';
export type { ConvertRequest, ConvertResult, ModelReport, ModelStatus } from './lib/convert.js';
export { convert } from './lib/convert.js';
export { findDemoRoot, runDemo } from './lib/demo.js';
export { ModelError, UsageError } from './lib/errors.js';
export { CLIPQ_GRAPH_OPS } from './lib/graph/graph_def.js';
export { registerClipqGraphOps } from './lib/graph/register_ops.js';
export type { InspectResult, WeightInfo } from './lib/inspect.js';
export { inspect } from './lib/inspect.js';
export type { AnyModel, LoadedRunnable } from './lib/load_quantized.js';
export { inputShape, loadFloatTwin, loadQuantized, runModel } from './lib/load_quantized.js';
export type { ReadLimits } from './lib/model_io/limits.js';
export { DEFAULT_LIMITS } from './lib/model_io/limits.js';
export type { LoadedModel, ModelFormat } from './lib/model_io/read_model.js';
export { readModel } from './lib/model_io/read_model.js';
export type {
  BackendName,
  CalibrationMethod,
  ConversionOptions,
  LayerResult,
} from './lib/options.js';
export { renderReport } from './lib/report/write_report.js';
