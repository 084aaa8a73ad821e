/** Worker thread entry: sets up the backend once, then converts the models it is sent. */
import './lib/quiet.js';
import { parentPort, workerData } from 'node:worker_threads';
import { setupBackend } from './lib/backend.js';
import { convertModelFile } from './lib/convert_model.js';
import { errorMessage, ModelError } from './lib/errors.js';
import type { ConversionOptions } from './lib/options.js';
import type { WorkerReply } from './lib/worker_pool.js';

const options = (workerData as { options: ConversionOptions }).options;
const ready = setupBackend(options.backend);

parentPort!.on('message', async ({ id, file }: { id: number; file: string }) => {
  let reply: WorkerReply;
  try {
    await ready;
    const result = await convertModelFile(file, options, (stage, fraction) =>
      parentPort!.postMessage({ type: 'stage', id, stage, fraction }),
    );
    reply = { type: 'done', id, result };
    parentPort!.postMessage(reply, [result.serialized.weightData]);
  } catch (error) {
    reply = {
      type: 'failed',
      id,
      message: errorMessage(error),
      stack: (error as Error)?.stack ?? '',
      ...(error instanceof ModelError ? { file: error.file, reason: error.reason } : {}),
    };
    parentPort!.postMessage(reply);
  }
});
