// Worker-thread entry for data-parallel training: makes TypeScript loadable here (tsx), then serves gradient requests.
// Plain .mjs because a worker thread starts as bare Node, both under the CLI's tsx and under vitest.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

// tsconfig.base.json maps the @whittle/* aliases the lib imports.
register({ tsconfig: new URL('../../../../../tsconfig.base.json', import.meta.url).pathname });
const { serveGradientWorker } = await import('./serve-gradient-worker.ts');
await serveGradientWorker(parentPort, workerData);
