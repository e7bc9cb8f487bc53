// What a CLI command is: its flag specs (for parsing and --help) and what it runs.

import type { Reporter } from '@whittle/datasets';
import type { CommandSpec, OptionSpecs, ParsedOptions } from './options.ts';

/** Streams a command writes to: stdout for results (JSON), the reporter (stderr) for progress. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly reporter: Reporter;
}

export interface Command<S extends OptionSpecs = OptionSpecs> {
  readonly spec: CommandSpec<S>;
  run(options: ParsedOptions<S>, positionals: readonly string[], io: CommandIo): Promise<void>;
}

/** Identity helper that keeps a command's option types tied to its specs. */
export function defineCommand<S extends OptionSpecs>(command: Command<S>): Command<S> {
  return command;
}
