// Node 20 does not apply `--import tsx` to a worker's entry module; register tsx here, then load it.
import { register } from 'tsx/esm/api';

register();
await import('./load-worker.ts');
