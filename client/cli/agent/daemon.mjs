// The unlock agent's process (started by `strongroom unlock`, detached from the terminal). Like the
// `strongroom` command it runs the TypeScript source through tsx, so it needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('./daemon.ts');
