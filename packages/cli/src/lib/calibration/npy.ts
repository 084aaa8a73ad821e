/**
 * A strict reader for NumPy `.npy` files (format 1.0–3.0): little-endian float32 or uint8, C order.
 * The header is parsed field by field instead of evaluated, and the data length must match the shape.
 */

export interface NpyArray {
  dtype: 'float32' | 'uint8';
  shape: number[];
  data: Float32Array | Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function parseNpy(bytes: Uint8Array, file = '.npy'): NpyArray {
  const fail = (why: string) => new Error(`${file}: not a supported .npy file: ${why}`);
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) throw fail('bad magic bytes');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  if (major < 1 || major > 3) throw fail(`format version ${major}`);
  if (headerStart + headerLength > bytes.length) throw fail('header runs past the end of the file');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, headerStart + headerLength),
  );
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr == null || fortran == null || shapeText == null)
    throw fail(`unreadable header ${header.trim()}`);
  if (fortran === 'True') throw fail('Fortran order is not supported');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      if (!/^\d+$/.test(s)) throw fail(`bad shape entry '${s}'`);
      return Number(s);
    });
  let dtype: NpyArray['dtype'];
  if (descr === '<f4') dtype = 'float32';
  else if (descr === '|u1' || descr === '<u1' || descr === 'u1') dtype = 'uint8';
  else throw fail(`dtype '${descr}' (supported: <f4 float32, |u1 uint8)`);
  const count = shape.reduce((a, b) => a * b, 1);
  const start = headerStart + headerLength;
  const need = count * (dtype === 'float32' ? 4 : 1);
  if (bytes.length - start !== need) {
    throw fail(`shape [${shape}] needs ${need} data bytes, the file has ${bytes.length - start}`);
  }
  // A copy in its own buffer (Node's Buffer.slice is a view, and float32 needs 4-byte alignment).
  const copy = new Uint8Array(need);
  copy.set(bytes.subarray(start, start + need));
  const data = dtype === 'float32' ? new Float32Array(copy.buffer) : copy;
  return { dtype, shape, data };
}

/** Writes a float32 or uint8 array as .npy format 1.0 (used by the fixture generator and tests). */
export function encodeNpy(data: Float32Array | Uint8Array, shape: number[]): Uint8Array {
  const descr = data instanceof Float32Array ? '<f4' : '|u1';
  const shapeText = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shapeText}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
