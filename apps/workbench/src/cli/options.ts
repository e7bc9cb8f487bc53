// Command-line flags declared once as typed specs: the parser and --help are both generated from them.

import { parseArgs } from 'node:util';
import { ConfigError } from '@whittle/datasets';

export type OptionSpec =
  | { readonly kind: 'string'; readonly description: string; readonly default?: string; readonly choices?: readonly string[] }
  | { readonly kind: 'number'; readonly description: string; readonly default?: number; readonly integer?: boolean }
  | { readonly kind: 'boolean'; readonly description: string };

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S extends { kind: 'string' } ? string : S extends { kind: 'number' } ? number : boolean;

/** Parsed flags: a value for every flag that has a default or was given. */
export type ParsedOptions<S extends OptionSpecs> = { -readonly [K in keyof S]: ValueOf<S[K]> | undefined };

export interface CommandSpec<S extends OptionSpecs> {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: S;
  readonly examples?: readonly string[];
}

/** Parse argv against a command's specs; unknown flags and bad values are errors that name the flag. */
export function parseOptions<S extends OptionSpecs>(command: CommandSpec<S>, argv: readonly string[]): { options: ParsedOptions<S>; positionals: string[]; help: boolean } {
  const config: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const [name, spec] of Object.entries(command.options)) config[name] = { type: spec.kind === 'boolean' ? 'boolean' : 'string' };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true });
  } catch (err) {
    throw new ConfigError(`${(err as Error).message} (command '${command.name}')`, `run 'whittle ${command.name} --help' for the flags`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const options: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(command.options)) {
    const raw = values[name];
    if (spec.kind === 'boolean') {
      options[name] = raw === true;
    } else if (spec.kind === 'number') {
      if (raw === undefined) options[name] = spec.default;
      else {
        const n = Number(raw);
        if (!Number.isFinite(n) || (spec.integer === true && !Number.isInteger(n))) {
          throw new ConfigError(`Flag '--${name}' of 'whittle ${command.name}' must be ${spec.integer === true ? 'an integer' : 'a number'}; got '${String(raw)}'`);
        }
        options[name] = n;
      }
    } else {
      const value = raw === undefined ? spec.default : String(raw);
      if (value !== undefined && spec.choices !== undefined && !spec.choices.includes(value)) {
        throw new ConfigError(`Flag '--${name}' of 'whittle ${command.name}' must be one of ${spec.choices.join(', ')}; got '${value}'`);
      }
      options[name] = value;
    }
  }
  return { options: options as ParsedOptions<S>, positionals: parsed.positionals, help: values['help'] === true };
}

/** The --help text of a command, from the same specs the parser uses. */
export function renderHelp<S extends OptionSpecs>(command: CommandSpec<S>, subcommands: readonly CommandSpec<OptionSpecs>[] = []): string {
  const rows = Object.entries(command.options).map(([name, spec]) => {
    const value = spec.kind === 'boolean' ? '' : spec.kind === 'number' ? ' <n>' : spec.choices ? ` <${spec.choices.join('|')}>` : ' <value>';
    const def = spec.kind !== 'boolean' && spec.default !== undefined ? ` (default: ${String(spec.default)})` : '';
    return [`  --${name}${value}`, `${spec.description}${def}`] as const;
  });
  rows.push(['  --help', 'show this help']);
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const lines = [`Usage: ${command.usage}`, '', command.summary, '', 'Options:', ...rows.map(([flag, text]) => flag.padEnd(width) + text)];
  if (subcommands.length > 0) {
    const subWidth = Math.max(...subcommands.map((c) => c.name.length)) + 4;
    lines.push('', 'Subcommands:', ...subcommands.map((c) => `  ${c.name.padEnd(subWidth)}${c.summary}`), '', `Run 'whittle <subcommand> --help' for its flags.`);
  }
  if (command.examples?.length) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}
