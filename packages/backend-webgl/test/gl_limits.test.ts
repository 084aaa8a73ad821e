/** GL limits are read once per context (the kernels check them on every call). */
import { describe, expect, it } from 'vitest';
import { maxTextureSize } from '../src/gl/limits.js';

/** A context stand-in that counts its getParameter calls. */
function countingContext(size: number) {
  const context = {
    MAX_TEXTURE_SIZE: 0x0d33,
    calls: 0,
    getParameter(name: number) {
      context.calls++;
      return name === context.MAX_TEXTURE_SIZE ? size : null;
    },
  };
  return context;
}

describe('maxTextureSize', () => {
  it('reads MAX_TEXTURE_SIZE once per context and keeps each context its own value', () => {
    const first = countingContext(4096);
    const second = countingContext(16384);
    for (let i = 0; i < 5; i++) {
      expect(maxTextureSize(first as unknown as WebGL2RenderingContext)).toBe(4096);
      expect(maxTextureSize(second as unknown as WebGL2RenderingContext)).toBe(16384);
    }
    expect(first.calls).toBe(1);
    expect(second.calls).toBe(1);
  });

  it('does not cache the null of a lost context, and reads the limit again once restored', () => {
    let lost = true;
    const context = {
      MAX_TEXTURE_SIZE: 0x0d33,
      calls: 0,
      getParameter() {
        context.calls++;
        return lost ? null : 8192;
      },
    };
    const gl = context as unknown as WebGL2RenderingContext;
    expect(maxTextureSize(gl)).toBe(0);
    lost = false;
    expect(maxTextureSize(gl)).toBe(8192);
    expect(maxTextureSize(gl)).toBe(8192);
    expect(context.calls).toBe(2);
  });
});
