/**
 * A pool of worker threads, each converting one model at a time. Workers only compute; results come
 * back (weights transferred, not copied) and the main thread writes them, so interrupting the process
 * can always clean up.
 */
import { Worker } from 'node:worker_threads';
import type { ConvertedModel } from './convert_model.js';
import type { ConversionOptions } from './options.js';

export type WorkerReply =
  | { type: 'done'; id: number; result: ConvertedModel }
  | { type: 'failed'; id: number; message: string; stack?: string; file?: string; reason?: string };

/** Progress while a model converts (not a reply: the job goes on). */
export interface WorkerStage {
  type: 'stage';
  id: number;
  stage: string;
  fraction: number;
}

/** Progress callbacks, by worker slot. */
export interface PoolListener {
  start?(slot: number, file: string): void;
  stage?(slot: number, stage: string, fraction: number): void;
  done?(slot: number): void;
}

interface Job {
  id: number;
  file: string;
  resolve: (reply: WorkerReply) => void;
}

export class ConversionPool {
  private readonly workers: Worker[] = [];
  private readonly queue: Job[] = [];
  private readonly busy = new Map<Worker, Job>();
  private nextId = 0;

  constructor(
    size: number,
    options: ConversionOptions,
    private readonly listener: PoolListener = {},
  ) {
    const script = new URL('../worker.js', import.meta.url);
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script, { workerData: { options } });
      worker.on('message', (reply: WorkerReply | WorkerStage) => {
        if (reply.type === 'stage') this.listener.stage?.(i, reply.stage, reply.fraction);
        else this.finish(worker, reply);
      });
      worker.on('error', (error) =>
        this.finish(worker, {
          type: 'failed',
          id: -1,
          message: `worker crashed: ${error.message}`,
          stack: error.stack ?? '',
        }),
      );
      worker.on('exit', (code) => {
        if (this.busy.has(worker))
          this.finish(worker, {
            type: 'failed',
            id: -1,
            message: `worker exited with code ${code}`,
          });
      });
      this.workers.push(worker);
    }
  }

  convert(file: string): Promise<WorkerReply> {
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, file, resolve });
      this.pump();
    });
  }

  private pump(): void {
    for (const [slot, worker] of this.workers.entries()) {
      if (this.busy.has(worker) || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      this.busy.set(worker, job);
      this.listener.start?.(slot, job.file);
      worker.postMessage({ id: job.id, file: job.file });
    }
  }

  private finish(worker: Worker, reply: WorkerReply): void {
    const job = this.busy.get(worker);
    if (job == null) return;
    this.busy.delete(worker);
    // Mark the slot done before it takes the next model.
    this.listener.done?.(this.workers.indexOf(worker));
    job.resolve(reply);
    this.pump();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
