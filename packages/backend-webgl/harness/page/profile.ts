/**
 * Per-layer profile of the e2e models on webgl (a development tool, not a test): each layer of the int8
 * runtime and of the float model is followed by a 1-pixel read-back (gl.finish does not wait under
 * SwiftShader), so its time includes its GPU work. Run with `node harness/profile.mjs`.
 */
import { convertToInt8 } from '@clipq/core/layers';
import type { Tensor } from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { directPath, outputLayout, splitK } from '../../src/mat_mul_int8_webgl2.js';
import { matMulInt8DirectSource } from '../../src/programs/mat-mul-int8-direct-program.js';
import { calibratedModel } from './e2e_models.js';
import { initBackends, publish, tf } from './setup.js';

function syncOn(t: Tensor): void {
  tf.tidy(() => tf.slice(tf.reshape(t, [-1]), [0], [1]).dataSync());
}

interface Step {
  layer: tfl.layers.Layer;
  compiled: {
    run(
      inputs: unknown[],
      fusedMaxPool?: unknown,
    ): {
      value: { kind: string; codes?: { codes: Tensor }; tensor?: Tensor };
      path: string;
    };
  };
}

/** The float model, its int8 conversion (built on cpu, as the bench does), an input, the runtime's steps. */
async function setup(name: string, batch: number) {
  const { float, qat, shape } = await calibratedModel(name);
  const converted = convertToInt8(qat);
  await tf.setBackend('webgl');
  const x = tf.randomUniform([batch, ...shape], 0, 1, 'float32', 5);
  const runtime = (converted as unknown as { runtime(): { steps: Step[] } }).runtime();
  return { float, converted, x, runtime };
}

async function profile(name: string, batch: number, repeats: number) {
  const { float, converted, x, runtime } = await setup(name, batch);
  for (let i = 0; i < 3; i++) {
    (converted.predict(x) as Tensor).dispose();
    (float.predict(x) as Tensor).dispose();
  }
  const int8Times = new Map<string, number>();
  const paths = new Map<string, string>();
  const originals = runtime.steps.map((s) => s.compiled.run);
  runtime.steps.forEach((step, i) => {
    step.compiled.run = (inputs, fusedMaxPool) => {
      const t0 = performance.now();
      const r = originals[i]!.call(step.compiled, inputs, fusedMaxPool);
      syncOn(r.value.kind === 'codes' ? r.value.codes!.codes : r.value.tensor!);
      int8Times.set(
        step.layer.name,
        (int8Times.get(step.layer.name) ?? 0) + performance.now() - t0,
      );
      paths.set(step.layer.name, r.path);
      return r;
    };
  });
  const floatTimes = new Map<string, number>();
  for (const layer of float.layers) {
    const call = layer.call.bind(layer);
    layer.call = (inputs, kwargs) => {
      const t0 = performance.now();
      const r = call(inputs, kwargs) as Tensor;
      syncOn(r);
      floatTimes.set(layer.name, (floatTimes.get(layer.name) ?? 0) + performance.now() - t0);
      return r;
    };
  }
  let int8Total = 0;
  let floatTotal = 0;
  for (let i = -1; i < repeats; i++) {
    if (i === 0) {
      // The first wrapped run compiled the read-back programs; start counting now.
      int8Times.clear();
      floatTimes.clear();
      int8Total = 0;
      floatTotal = 0;
    }
    let t0 = performance.now();
    const y = converted.predict(x) as Tensor;
    await y.data();
    y.dispose();
    int8Total += performance.now() - t0;
    t0 = performance.now();
    const z = float.predict(x) as Tensor;
    await z.data();
    z.dispose();
    floatTotal += performance.now() - t0;
  }
  const syncT0 = performance.now();
  for (let i = 0; i < 20; i++) syncOn(x);
  const syncMs = (performance.now() - syncT0) / 20;
  const lines = [
    `${name} b${batch}: int8 ${(int8Total / repeats).toFixed(1)} ms, float ${(floatTotal / repeats).toFixed(1)} ms (with per-layer syncs, ~${syncMs.toFixed(2)} ms each)`,
  ];
  const ms = (total: number) => (total / repeats).toFixed(2).padStart(7);
  for (const step of runtime.steps) {
    lines.push(
      `  int8  ${step.layer.name.padEnd(40)} ${ms(int8Times.get(step.layer.name)!)}  ${paths.get(step.layer.name)}`,
    );
  }
  for (const [layer, total] of floatTimes) lines.push(`  float ${layer.padEnd(40)} ${ms(total)}`);
  x.dispose();
  converted.dispose();
  float.dispose();
  return lines;
}

publish(async () => {
  await initBackends(['cpu', 'webgl'], false);
  tf.env().set('CLIPQ_CHECK_RANGES', false);
  return {
    passCost,
    directAB,
    weightHomes,
    shaderLog,
    directSource: (packed: boolean, zero: boolean) => matMulInt8DirectSource(packed, zero, false),
    dispatchTimes,
    /** Sets a tfjs flag (e.g. USE_SETTIMEOUTCUSTOM, which changes how data() polls its fence). */
    setFlag: (name: string, value: boolean | number) => tf.env().set(name, value),
    /** The package's tuning knobs, for in-page A/B from Node (page.evaluate). */
    knobs: { splitK, directPath, outputLayout },
    passList,
    layerTimes,
    async profile({ model, batch, repeats }: { model: string; batch: number; repeats: number }) {
      return profile(model, batch, repeats);
    },
  };
});

/** Fixed costs on this GPU: a 1-pixel read-back alone, and per tiny pass in a chain of `n`. */
export async function passCost(n: number): Promise<string> {
  tf.env().set('WEBGL_CPU_FORWARD', false);
  const x = tf.add(tf.ones([64, 64]), 0);
  const chain = () => {
    let y = x;
    for (let i = 0; i < n; i++) {
      const next = tf.add(y, 1);
      if (y !== x) y.dispose();
      y = next;
    }
    return y;
  };
  for (let i = 0; i < 3; i++) chain().dataSync();
  let t0 = performance.now();
  for (let i = 0; i < 10; i++) chain().dataSync();
  const chained = (performance.now() - t0) / 10;
  t0 = performance.now();
  for (let i = 0; i < 10; i++) x.dataSync();
  tf.env().set('WEBGL_CPU_FORWARD', true);
  return `chain of ${n} tiny passes + read-back: ${chained.toFixed(2)} ms`;
}

type AnyValue = { kind: string; codes?: { codes: Tensor; dispose(): void }; tensor?: Tensor };

/**
 * Per-layer times without per-layer sync noise: each layer's int8 step and float layer run `chain`
 * times back to back on saved inputs, then one read-back; int8 and float alternate `rounds` times and
 * the medians are reported (ms per call).
 */
export async function layerTimes(name: string, batch: number, chain: number, rounds: number) {
  const { float, converted, x, runtime } = await setup(name, batch);
  // Capture every step's inputs (kept alive) from one predict.
  const kept: Array<{ dispose(): void }> = [];
  const stepInputs: unknown[][] = [];
  const originals = runtime.steps.map((s) => s.compiled.run);
  runtime.steps.forEach((step, i) => {
    step.compiled.run = (inputs) => {
      stepInputs[i] = inputs;
      const r = originals[i]!.call(step.compiled, inputs);
      const v = r.value as AnyValue;
      const owner = v.kind === 'codes' ? v.codes! : v.tensor!;
      const dispose = owner.dispose.bind(owner);
      owner.dispose = () => {};
      kept.push({ dispose });
      return r;
    };
  });
  (converted.predict(x) as Tensor).dispose();
  runtime.steps.forEach((step, i) => {
    step.compiled.run = originals[i]!;
  });
  const paths = runtime.steps.map((s, i) => s.compiled.run(stepInputs[i]!).path);
  // Float activations, layer by layer (the models are chains).
  const floatInputs: Tensor[] = [];
  const floatLayers = float.layers.filter((l) => l.getClassName() !== 'InputLayer');
  let y = x;
  for (const layer of floatLayers) {
    floatInputs.push(y);
    y = layer.apply(y) as Tensor;
  }
  const median = (v: number[]) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  const timeChain = async (call: () => Tensor) => {
    const t0 = performance.now();
    const outs: Tensor[] = [];
    for (let i = 0; i < chain; i++) outs.push(call());
    await tf.slice(tf.reshape(outs[outs.length - 1]!, [-1]), [0], [1]).data();
    const ms = (performance.now() - t0) / chain;
    for (const o of outs) o.dispose();
    return ms;
  };
  const int8Call = (i: number) => () => {
    const v = runtime.steps[i]!.compiled.run(stepInputs[i]!).value as AnyValue;
    return v.kind === 'codes' ? v.codes!.codes : v.tensor!;
  };
  const lines: string[] = [];
  let int8Sum = 0;
  let floatSum = 0;
  for (let i = 0; i < runtime.steps.length; i++) {
    const step = runtime.steps[i]!;
    const floatIndex = floatLayers.findIndex((l) => step.layer.name.startsWith(l.name));
    const floatLayer = floatIndex >= 0 ? floatLayers[floatIndex]! : null;
    const floatCall = floatLayer
      ? () => tf.tidy(() => floatLayer.apply(floatInputs[floatIndex]!) as Tensor)
      : null;
    const ti: number[] = [];
    const tf32: number[] = [];
    await timeChain(int8Call(i));
    if (floatCall) await timeChain(floatCall);
    for (let r = 0; r < rounds; r++) {
      ti.push(await timeChain(int8Call(i)));
      if (floatCall) tf32.push(await timeChain(floatCall));
    }
    const a = median(ti);
    const b = floatCall ? median(tf32) : 0;
    int8Sum += a;
    floatSum += b;
    lines.push(
      `  ${step.layer.name.padEnd(40)} int8 ${a.toFixed(2).padStart(7)} float ${b.toFixed(2).padStart(7)}  ${paths[i]}`,
    );
  }
  lines.unshift(
    `${name} b${batch}: sum of layers int8 ${int8Sum.toFixed(1)} ms, float ${floatSum.toFixed(1)} ms`,
  );
  for (const k of kept) k.dispose();
  x.dispose();
  converted.dispose();
  float.dispose();
  return lines;
}

/** The GPU passes of one int8 predict, in order (tfjs programs by class name; clipq's raw passes as "raw"). */
export async function passList(name: string, batch: number): Promise<string[]> {
  const { float, converted, x } = await setup(name, batch);
  (converted.predict(x) as Tensor).dispose();
  (float.predict(x) as Tensor).dispose();
  const backend = tf.backend() as unknown as {
    runWebGLProgram(program: object, ...rest: unknown[]): unknown;
    gpgpu: { executeProgram(): void };
  };
  const log: string[] = [];
  let pending: string | null = null;
  const run = backend.runWebGLProgram.bind(backend);
  const execute = backend.gpgpu.executeProgram.bind(backend.gpgpu);
  backend.runWebGLProgram = (program, ...rest) => {
    pending = program.constructor.name;
    try {
      return run(program, ...rest);
    } finally {
      pending = null;
    }
  };
  backend.gpgpu.executeProgram = () => {
    log.push(pending ?? 'raw');
    execute();
  };
  const gl = (backend as unknown as { gpgpu: { gl: WebGL2RenderingContext } }).gpgpu.gl;
  const uploads: string[] = [];
  const texSub = gl.texSubImage2D.bind(gl);
  const texImage = gl.texImage2D.bind(gl);
  (gl as unknown as Record<string, unknown>).texSubImage2D = (...args: unknown[]) => {
    uploads.push('texSubImage2D');
    return (texSub as (...a: unknown[]) => void)(...args);
  };
  (gl as unknown as Record<string, unknown>).texImage2D = (...args: unknown[]) => {
    uploads.push('texImage2D');
    return (texImage as (...a: unknown[]) => void)(...args);
  };
  const y = converted.predict(x) as Tensor;
  await y.data();
  y.dispose();
  const int8Passes = log.length;
  const z = float.predict(x) as Tensor;
  await z.data();
  z.dispose();
  log.splice(int8Passes, 0, `| float model: ${log.length - int8Passes} passes:`);
  (gl as unknown as Record<string, unknown>).texSubImage2D = texSub;
  (gl as unknown as Record<string, unknown>).texImage2D = texImage;
  log.push(`uploads during predict: ${uploads.length} (${uploads.join(' ')})`);
  backend.runWebGLProgram = run;
  backend.gpgpu.executeProgram = execute;
  x.dispose();
  converted.dispose();
  float.dispose();
  return [`${log.length} passes`, log.join(' ')];
}

/** JS dispatch time (predict returning) against the total (after data()), int8 and float, medians. */
export async function dispatchTimes(name: string, batch: number, rounds: number): Promise<string> {
  const { float, converted, x } = await setup(name, batch);
  const sample = async (call: () => Tensor) => {
    const t0 = performance.now();
    const y = call();
    const t1 = performance.now();
    await y.data();
    const t2 = performance.now();
    y.dispose();
    return [t1 - t0, t2 - t0];
  };
  const int8: number[][] = [];
  const f32: number[][] = [];
  const firstInt8 = await sample(() => converted.predict(x) as Tensor);
  const firstFloat = await sample(() => float.predict(x) as Tensor);
  for (let r = 0; r < rounds + 2; r++) {
    const a = await sample(() => converted.predict(x) as Tensor);
    const b = await sample(() => float.predict(x) as Tensor);
    if (r >= 2) {
      int8.push(a);
      f32.push(b);
    }
  }
  const median = (v: number[]) => v.sort((p, q) => p - q)[Math.floor(v.length / 2)]!.toFixed(2);
  x.dispose();
  converted.dispose();
  float.dispose();
  return `${name} b${batch}: first calls (compiles) int8 ${firstInt8[1]!.toFixed(0)} float ${firstFloat[1]!.toFixed(0)} ms; int8 dispatch ${median(int8.map((v) => v[0]!))} total ${median(int8.map((v) => v[1]!))} | float dispatch ${median(f32.map((v) => v[0]!))} total ${median(f32.map((v) => v[1]!))}`;
}

/** The compile log of a raw shader source (development aid). */
export function shaderLog(source: string): string {
  const gl = document.createElement('canvas').getContext('webgl2')!;
  const shader = gl.createShader(gl.FRAGMENT_SHADER)!;
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  return gl.getShaderInfoLog(shader) ?? '';
}

/** Where the float model's weights live after predicts on webgl (development aid). */
export async function weightHomes(name: string): Promise<string[]> {
  const { float, converted, x } = await setup(name, 1);
  const lines: string[] = [];
  const describe = (when: string) => {
    const info = (
      tf.engine() as unknown as {
        state: { tensorInfo: WeakMap<object, { backend: { constructor: { name: string } } }> };
      }
    ).state.tensorInfo;
    for (const w of float.weights.slice(0, 2)) {
      const v = w.read();
      const home = info.get(v.dataId);
      const backend = tf.backend() as unknown as {
        texData: {
          has(id: object): boolean;
          get(id: object): { values: unknown; texture: unknown; isPacked: boolean };
        };
      };
      const t = backend.texData.has(v.dataId) ? backend.texData.get(v.dataId) : null;
      lines.push(
        `${when} ${w.name}: engine backend ${home?.backend.constructor.name}, webgl texData ${t ? `values ${t.values != null} texture ${t.texture != null} packed ${t.isPacked}` : 'none'}`,
      );
    }
  };
  describe('before');
  for (let i = 0; i < 2; i++) {
    const y = float.predict(x) as Tensor;
    await y.data();
    y.dispose();
    describe(`after predict ${i}`);
  }
  x.dispose();
  converted.dispose();
  float.dispose();
  return lines;
}

/**
 * A/B of the single-pass threshold in one page: int8 predict with each `maxWork` and the float model,
 * interleaved for `rounds`, medians of predict + data() (ms).
 */
export async function directAB(
  name: string,
  batch: number,
  rounds: number,
  works: number[],
  knob: 'direct' | 'unpacked' | 'split' = 'direct',
) {
  const set = (value: number) => {
    if (knob === 'direct') directPath.maxWork = value;
    else if (knob === 'split') splitK.maxSlices = value;
    else outputLayout.maxUnpacked = value;
  };
  const saved = [directPath.maxWork, outputLayout.maxUnpacked, splitK.maxSlices] as const;
  const { float, converted, x } = await setup(name, batch);
  const time = async (call: () => Tensor) => {
    const t0 = performance.now();
    const y = call();
    await y.data();
    y.dispose();
    return performance.now() - t0;
  };
  const samples = works.map(() => [] as number[]);
  const floats: number[] = [];
  for (let r = -2; r < rounds; r++) {
    for (const [i, work] of works.entries()) {
      set(work);
      const t = await time(() => converted.predict(x) as Tensor);
      if (r >= 0) samples[i]!.push(t);
    }
    const t = await time(() => float.predict(x) as Tensor);
    if (r >= 0) floats.push(t);
  }
  [directPath.maxWork, outputLayout.maxUnpacked, splitK.maxSlices] = saved;
  const median = (v: number[]) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  x.dispose();
  converted.dispose();
  float.dispose();
  const f = median(floats);
  return `${name} b${batch}: float ${f.toFixed(2)} | ${works.map((w, i) => `${knob} ${w}: ${median(samples[i]!).toFixed(2)} (ratio ${(f / median(samples[i]!)).toFixed(3)})`).join(' | ')}`;
}
