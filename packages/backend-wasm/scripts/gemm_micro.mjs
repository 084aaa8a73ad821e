#!/usr/bin/env node
/**
 * The int8 GEMM loops alone on clipq.wasm (operands packed, no tfjs kernel around them): best of 30, in
 * GOP/s (2·M·K·N). `chunked` = the cache-blocked driver the kernels use; `packOnly` and `gemmOnly` =
 * packing all of A, and the 4×8 GEMM over it. Build first (`pnpm build`).
 *
 *   node scripts/gemm_micro.mjs <M> <K> <N> [chunk bytes, default 262144]   (RQ=1: requantized output)
 */
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import '../dist/index.js';
import { heapFor } from '../dist/heap/heap.js';

await tf.setBackend('wasm');
await tf.ready();
const heap = heapFor(tf.backend());
const w = heap.exports;
const [M, K, N] = process.argv.slice(2, 5).map(Number);
const chunkBytes = Number(process.argv[5] ?? 256 * 1024);
const Kp = Math.ceil(K / 4) * 2;
const Mp = Math.ceil(M / 4) * 4;
const a = heap.malloc(M * K * 4);
const b = heap.malloc(K * N * 4);
const packedB = heap.malloc(Math.ceil(N / 8) * Kp * 16);
const out = heap.malloc(M * N * 4);
const chunkRows = Math.max(4, Math.min(Mp, Math.floor(chunkBytes / (Kp * 4)) & ~3));
const chunk = heap.malloc(chunkRows * Kp * 4 + chunkRows * 4 + 64);
const full = heap.malloc(Mp * Kp * 4 + Mp * 4 + 64);
const padded = Math.ceil(N / 8) * 8;
const epilogue = heap.malloc(padded * 12 + 64 + Kp * 32 + 64);
const zeroPoint = heap.malloc(16);
const scale = heap.malloc(16);
const i32 = new Int32Array(heap.memory.buffer);
for (let i = 0; i < M * K; i++) i32[a / 4 + i] = ((Math.random() * 256) | 0) - 128;
for (let i = 0; i < K * N; i++) i32[b / 4 + i] = ((Math.random() * 255) | 0) - 127;
i32[zeroPoint / 4] = 0;
new Float32Array(heap.memory.buffer)[scale / 4] = 0.01;
w.packB(b, K, N, 0, Kp, packedB);
w.prepareEpilogue(epilogue, N, padded, 0.02, scale, 1, zeroPoint, 1, 0);
w.setEpilogue(0, epilogue + padded * 4, 0, 2, epilogue + padded * 12);
if (process.env.RQ) w.setRequantize(1, 0, 6, 6 / 255, -128, -128);
else w.setRequantize(0, 0, 0, 0, 0, 0);
const rowSums = full + Mp * Kp * 4;
const variants = {
  chunked: () => w.gemmCodes(a, M, K, -3, Kp, packedB, N, out, chunk, chunkRows),
  packOnly: () => w.packA(a, M, K, -3, Kp, full, rowSums),
  gemmOnly: () => w.gemm(full, rowSums, M, Kp, packedB, N, out),
};
variants.packOnly();
for (const [name, run] of Object.entries(variants)) {
  for (let i = 0; i < 3; i++) run();
  let best = Infinity;
  for (let i = 0; i < 30; i++) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  const gops = (2 * M * K * N) / best / 1e6;
  console.log(
    `${M}x${K}x${N} (${chunkRows}-row chunks) ${name.padEnd(8)} ${best.toFixed(3)} ms  ${gops.toFixed(1)} GOP/s`,
  );
}
