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
  /** Commands reached as `whittle <this> <name> ...`, each with its own flags and --help. */
  readonly subcommands?: Readonly<Record<string, Command>>;
  run(options: ParsedOptions<S>, positionals: readonly string[], io: CommandIo): Promise<void>;
}

/** Identity helper that keeps a command's option types tied to its specs. */
export function defineCommand<S extends OptionSpecs>(command: Command<S>): Command<S> {
  return command;
}

/**
 * Follow `argv` down a command's subcommands: `bench train --json` on `bench` gives the `train`
 * subcommand and `['--json']`. A first word that names no subcommand stays with the parent.
 */
export function resolveSubcommand(command: Command, argv: readonly string[]): { command: Command; argv: readonly string[] } {
  const [first, ...rest] = argv;
  const sub = first === undefined ? undefined : command.subcommands?.[first];
  return sub === undefined ? { command, argv } : resolveSubcommand(sub, rest);
}
