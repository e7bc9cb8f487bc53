// Every CLI command, by name (the order here is the order --help lists them).

import type { Command } from '../cli/command.ts';
import { benchCommand } from './bench.ts';
import { evalCommand } from './eval.ts';
import { generateCommand } from './generate.ts';
import { keywordSpotterCommand } from './keyword-spotter.ts';
import { publishCommand } from './publish.ts';
import { quantizeCommand } from './quantize.ts';
import { reportCommand } from './report.ts';
import { trainCommand } from './train.ts';

export const COMMANDS = {
  'keyword-spotter': keywordSpotterCommand,
  generate: generateCommand,
  train: trainCommand,
  quantize: quantizeCommand,
  report: reportCommand,
  publish: publishCommand,
  eval: evalCommand,
  bench: benchCommand,
} as const satisfies Record<string, Command>;
