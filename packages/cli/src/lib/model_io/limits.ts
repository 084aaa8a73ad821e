/** Size limits checked before anything is allocated, so a hostile manifest cannot exhaust memory. */
export interface ReadLimits {
  /** Largest model.json accepted, in bytes. */
  maxJsonBytes: number;
  /** Largest total of weight bytes a manifest may declare. */
  maxWeightBytes: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  maxJsonBytes: 64 * 1024 * 1024,
  maxWeightBytes: 1024 * 1024 * 1024,
};

/** Bytes per stored value, by storage dtype (the quantization dtype when there is one). */
export const BYTES_PER_VALUE: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** The quantization dtypes the stock tfjs weights decoder accepts. */
export const STOCK_QUANTIZATION_DTYPES: readonly string[] = ['uint8', 'uint16', 'float16'];
