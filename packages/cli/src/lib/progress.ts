/**
 * Live progress on a TTY only: one bar per job slot and an overall bar (cli-progress, on stderr).
 * Off a TTY (pipes, CI, --json consumers) nothing is drawn.
 */
import { basename, dirname } from 'node:path';
import cliProgress from 'cli-progress';

export interface Progress {
  start(slot: number, file: string): void;
  stage(slot: number, stage: string, fraction: number): void;
  done(slot: number): void;
  stop(): void;
}

const SILENT: Progress = { start() {}, stage() {}, done() {}, stop() {} };

export function createProgress(total: number, slots: number, enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return SILENT;
  const multi = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      clearOnComplete: true,
      hideCursor: true,
      format: ' {label} |{bar}| {percentage}% {model} {stage}',
    },
    cliProgress.Presets.shades_classic,
  );
  const overall = multi.create(total, 0, {
    label: 'overall',
    model: '',
    stage: `of ${total} models`,
  });
  const bars = Array.from({ length: slots }, (_, i) =>
    multi.create(100, 0, { label: `job ${i + 1} `, model: 'idle', stage: '' }),
  );
  return {
    start(slot, file) {
      bars[slot]?.update(0, {
        model: `${basename(dirname(file))}/${basename(file)}`,
        stage: 'starting',
      });
    },
    stage(slot, stage, fraction) {
      bars[slot]?.update(Math.round(fraction * 100), { stage });
    },
    done(slot) {
      bars[slot]?.update(100, { stage: 'done' });
      overall.increment();
    },
    stop() {
      multi.stop();
    },
  };
}
