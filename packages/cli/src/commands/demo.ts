/** `clipq demo`: runs the same thing as `pnpm demo` (lib/demo finds it in the repository). */
import { type ArgsDef, defineCommand } from 'citty';
import { runDemo } from '../lib/demo.js';
import { assertKnownFlags, COMMON_ARGS } from './shared.js';

export const examples = ['clipq demo'];

const args = { ...COMMON_ARGS } satisfies ArgsDef;

export default defineCommand({
  meta: { name: 'demo', description: 'Run the clipq demo (the same as `pnpm demo`)' },
  args,
  async run({ rawArgs }) {
    assertKnownFlags(rawArgs, args, 'demo');
    return runDemo();
  },
});
