/** Registers clipq's graph custom ops with tfjs-converter (idempotent; importing this file does it). */
import { registerOp } from '@tensorflow/tfjs-converter';
import { CLIPQ_GRAPH_OPS } from './graph_def.js';
import {
  executeQuantizedConv2D,
  executeQuantizedDepthwiseConv2D,
  executeQuantizedMatMul,
} from './runtime.js';

let registered = false;

export function registerClipqGraphOps(): void {
  if (registered) return;
  registered = true;
  registerOp(CLIPQ_GRAPH_OPS.matmul, executeQuantizedMatMul);
  registerOp(CLIPQ_GRAPH_OPS.conv2d, executeQuantizedConv2D);
  registerOp(CLIPQ_GRAPH_OPS.depthwise, executeQuantizedDepthwiseConv2D);
}

registerClipqGraphOps();
