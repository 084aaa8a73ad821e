/** Runs a conformance case on a named tfjs backend, and checks that the case really ran there. */
import { getBackend, setBackend, tidy } from '@tensorflow/tfjs-core';

export interface ConformanceCase {
  name: string;
  run(): Promise<void>;
}

export async function onBackend(
  backendName: string,
  body: () => void | Promise<void>,
): Promise<void> {
  if (getBackend() !== backendName) {
    const ok = await setBackend(backendName);
    if (!ok || getBackend() !== backendName) {
      throw new Error(`conformance: backend '${backendName}' could not be initialized`);
    }
  }
  const result = body();
  if (result instanceof Promise) await result;
}

/** Wraps a synchronous body in a tidy so no case leaks tensors into the next. */
export function caseOn(backendName: string, name: string, body: () => void): ConformanceCase {
  return { name, run: () => onBackend(backendName, () => tidy(body)) };
}
