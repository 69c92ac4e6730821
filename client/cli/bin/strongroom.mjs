#!/usr/bin/env node
// The `strongroom` command. Runs the TypeScript source through tsx, so `npx strongroom` works
// straight after `npm ci`, with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../main.ts');
