/** Options of one model conversion (parsed and validated from the command line by `convert`). */

export type CalibrationMethod = 'minmax' | 'percentile' | 'mse';
export type BackendName = 'cpu' | 'wasm';

export interface ConversionOptions {
  /** Weight (and activation) bits, 2..8. */
  bits: number;
  perChannel: boolean;
  weightsOnly: boolean;
  calibration: string | null;
  calibrationMethod: CalibrationMethod;
  portable: boolean;
  backend: BackendName;
  /** Collect histograms for `--report`. */
  collectReport: boolean;
  maxWeightBytes: number;
  /** In-memory calibration samples (used by `bench`); takes precedence over `calibration`. */
  calibrationSet?: import('./calibration/load_calibration.js').CalibrationSet;
}

/** Reports a conversion's stage and how far it is (0..1), for progress bars. */
export type StageReporter = (stage: string, fraction: number) => void;

/** Per quantized layer (or graph node): what was done and how well it went. */
export interface LayerResult {
  name: string;
  op: string;
  weight: string;
  shape: number[];
  scheme: string;
  bits: number;
  weightSqnrDb: number;
  activationSqnrDb: number | null;
  activationRange: [number, number] | null;
  bytesBefore: number;
  bytesAfter: number;
  weightHistogram?: import('./stats.js').Histogram;
  activationHistogram?: import('./stats.js').Histogram;
}

/** The outcome of converting one model (before writing). */
export interface ModelConversion {
  format: 'layers-model' | 'graph-model';
  layers: LayerResult[];
  notes: string[];
  /** Model outputs of the converted model against the float one, on the calibration data. */
  outputSqnrDb: number | null;
  argmaxAgreement: number | null;
  serialized: import('./model_io/write_model.js').SerializedModel;
}
