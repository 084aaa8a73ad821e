import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';

await tf.setBackend('wasm');
await tf.ready();
const backend = tf.backend();
const mem = backend.wasm.asm.memory;
console.log('shared?', mem.buffer instanceof SharedArrayBuffer, mem.buffer.byteLength);
const mod = new WebAssembly.Module(readFileSync(process.argv[2] ?? 'dist/clipq.wasm'));
const ex = new WebAssembly.Instance(mod, { env: { memory: mem } }).exports;
const malloc = (n) => backend.wasm._malloc(n) >>> 0;
function rnd(n, lo, hi) {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + Math.floor(Math.random() * (hi - lo + 1));
  return a;
}
const shapes = [
  [1, 1024, 1024],
  [1, 4096, 4096],
  [64, 1024, 1024],
  [256, 256, 256],
  [512, 512, 512],
  [128, 768, 3072],
];
for (const [M, K, N] of shapes) {
  const aCodes = tf.tensor2d(rnd(M * K, -128, 127), [M, K], 'int32');
  const bCodes = tf.tensor2d(rnd(K * N, -127, 127), [K, N], 'int32');
  const Kp = ((K + 3) & ~3) / 2;
  const Mp = (M + 3) & ~3;
  const Np = (N + 7) & ~7;
  const bp = malloc((Kp * 16 * Np) / 8);
  ex.packB(backend.dataIdMap.get(bCodes.dataId).memoryOffset, K, N, 0, Kp, bp);
  const zp = malloc(Np * 4),
    mult = malloc(Np * 4),
    scratch = malloc(64 + 4096 * 32);
  new Int32Array(mem.buffer, zp, Np).fill(0);
  new Float32Array(mem.buffer, mult, Np).fill(0.001);
  const aF = tf.tensor2d(
    new Float32Array(M * K).map(() => Math.random()),
    [M, K],
  );
  const bF = tf.tensor2d(
    new Float32Array(K * N).map(() => Math.random()),
    [K, N],
  );
  const ours = () => {
    const ap = malloc(Mp * Kp * 4),
      rs = malloc(Mp * 4);
    const out = backend.makeOutput([M, N], 'float32');
    ex.packA(backend.dataIdMap.get(aCodes.dataId).memoryOffset, M, K, 3, Kp, ap, rs);
    ex.setEpilogue(zp, mult, 0, 0, scratch);
    const o = backend.dataIdMap.get(out.dataId).memoryOffset;
    if (M === 1) ex.gemv(ap, new Int32Array(mem.buffer, rs, 1)[0], Kp, bp, N, o);
    else ex.gemm(ap, rs, Mp, Kp, bp, N, o);
    backend.wasm._free(ap);
    backend.wasm._free(rs);
    backend.disposeData(out.dataId);
  };
  const base = () => {
    const t = tf.matMul(aF, bF);
    t.dataSync();
    t.dispose();
  };
  for (let i = 0; i < 3; i++) {
    ours();
    base();
  }
  const to = [],
    tb = [];
  for (let r = 0; r < 15; r++) {
    let t0 = performance.now();
    ours();
    to.push(performance.now() - t0);
    t0 = performance.now();
    base();
    tb.push(performance.now() - t0);
  }
  const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
  const mo = med(to),
    mb = med(tb);
  console.log(
    `${M}x${K}x${N} ours ${mo.toFixed(3)} ms (${((2 * M * K * N) / mo / 1e6).toFixed(1)} GOP/s) base ${mb.toFixed(3)} ms (${((2 * M * K * N) / mb / 1e6).toFixed(1)}) ratio ${(mb / mo).toFixed(2)}`,
  );
}
