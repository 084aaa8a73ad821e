import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { run } from '../../../bench/runners/wasm.mjs';
