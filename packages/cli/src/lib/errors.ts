/**
 * Error kinds the CLI maps to exit codes (BRIEF 3.5): a `UsageError` exits 2 before any work starts;
 * a `ModelError` fails one model (exit 1 for the batch) without stopping the others.
 */

/** Bad command-line usage: unknown option values, missing inputs. Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** One model could not be read or converted. The message names the file and the reason. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** The message of any thrown value, on one line. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
