/** Output sizes of 2-D convolutions, as Keras computes them ('same' and 'valid' padding, dilation). */
export type Padding = 'same' | 'valid';

export function convOutputLength(
  length: number | null,
  kernel: number,
  padding: Padding,
  stride: number,
  dilation: number,
): number | null {
  if (length == null) return null;
  const effectiveKernel = kernel + (kernel - 1) * (dilation - 1);
  const out = padding === 'same' ? length : length - effectiveKernel + 1;
  return Math.floor((out + stride - 1) / stride);
}

export function pair(
  value: number | [number, number] | number[],
  name: string,
  layerName: string,
): [number, number] {
  const values = typeof value === 'number' ? [value, value] : value;
  if (values.length !== 2 || !values.every((v) => Number.isInteger(v) && v > 0)) {
    throw new Error(
      `layer '${layerName}': ${name} must be a positive integer or a pair of them, got ${JSON.stringify(value)}`,
    );
  }
  return [values[0]!, values[1]!];
}
