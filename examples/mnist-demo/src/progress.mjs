/** Training progress: a cli-progress bar on a TTY, one line per phase otherwise (CI logs stay short). */
import * as tfl from '@tensorflow/tfjs-layers';
import cliProgress from 'cli-progress';

export class Progress extends tfl.Callback {
  constructor(label, totalSteps, stream = process.stderr) {
    super();
    this.label = label;
    this.totalSteps = totalSteps;
    this.stream = stream;
    this.bar = null;
    this.step = 0;
    this.loss = Number.NaN;
  }

  async onTrainBegin() {
    if (this.stream.isTTY) {
      this.bar = new cliProgress.SingleBar(
        {
          format: `${this.label.padEnd(22)} {bar} {percentage}% | step {value}/{total} | loss {loss}`,
          stream: this.stream,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(this.totalSteps, 0, { loss: '-' });
    }
  }

  async onBatchEnd(_batch, logs) {
    this.step++;
    // tfjs-layers hands plain callbacks scalar tensors (disposed later), so read the value now.
    const loss = logs?.loss;
    if (loss != null) this.loss = typeof loss === 'number' ? loss : loss.dataSync()[0];
    this.bar?.update(this.step, { loss: Number(this.loss).toFixed(4) });
  }

  async onTrainEnd() {
    if (this.bar) this.bar.stop();
    else
      this.stream.write(
        `${this.label}: ${this.step} steps, last loss ${Number(this.loss).toFixed(4)}\n`,
      );
  }
}
