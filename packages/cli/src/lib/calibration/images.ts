/**
 * Calibration images: PNG (pngjs) and JPEG (jpeg-js) decoded to RGBA, resized bilinearly to the model's
 * input height and width, converted to its channel count, scaled to [0, 1].
 */
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

function decodeImage(bytes: Buffer, file: string): Rgba {
  const ext = extname(file).toLowerCase();
  if (ext === '.png') {
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height, data: png.data };
  }
  const image = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    maxMemoryUsageInMB: 256,
  });
  return { width: image.width, height: image.height, data: image.data };
}

/** Bilinear resize to [height, width, channels] in [0, 1]; 1 channel is the mean of RGB. */
export function resizeToInput(
  image: Rgba,
  height: number,
  width: number,
  channels: number,
): Float32Array {
  const out = new Float32Array(height * width * channels);
  const sy = image.height / height;
  const sx = image.width / width;
  const at = (x: number, y: number, c: number) => image.data[(y * image.width + x) * 4 + c]!;
  for (let y = 0; y < height; y++) {
    const fy = Math.max(0, Math.min(image.height - 1, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(image.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.max(0, Math.min(image.width - 1, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(image.width - 1, x0 + 1);
      const wx = fx - x0;
      const sample = (c: number) =>
        (at(x0, y0, c) * (1 - wx) + at(x1, y0, c) * wx) * (1 - wy) +
        (at(x0, y1, c) * (1 - wx) + at(x1, y1, c) * wx) * wy;
      const base = (y * width + x) * channels;
      if (channels === 1) out[base] = (sample(0) + sample(1) + sample(2)) / 3 / 255;
      else for (let c = 0; c < channels; c++) out[base + c] = sample(Math.min(c, 3)) / 255;
    }
  }
  return out;
}

/** Every PNG/JPEG in `dir` (sorted by name), as one [N, height, width, channels] buffer. */
export async function readImageFolder(
  dir: string,
  height: number,
  width: number,
  channels: number,
): Promise<{ data: Float32Array; count: number }> {
  const names = (await readdir(dir))
    .filter((n) => IMAGE_EXTENSIONS.includes(extname(n).toLowerCase()))
    .sort();
  if (names.length === 0)
    throw new Error(`calibration folder '${dir}' holds no .png/.jpg/.jpeg images`);
  const per = height * width * channels;
  const data = new Float32Array(names.length * per);
  for (const [i, name] of names.entries()) {
    const file = join(dir, name);
    let image: Rgba;
    try {
      image = decodeImage(await readFile(file), file);
    } catch (error) {
      throw new Error(`calibration image '${file}' cannot be decoded: ${(error as Error).message}`);
    }
    data.set(resizeToInput(image, height, width, channels), i * per);
  }
  return { data, count: names.length };
}
