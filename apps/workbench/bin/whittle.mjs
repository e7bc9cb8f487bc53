#!/usr/bin/env node
// Entry shim: runs the TypeScript CLI through tsx so no build step stands between a user and `npx whittle`.
import { register } from "tsx/esm/api";
register({ tsconfig: new URL("../../../tsconfig.base.json", import.meta.url).pathname });
const { main } = await import("../src/main.ts");
await main(process.argv.slice(2));
