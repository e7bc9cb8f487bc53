// The whittle CLI: parses argv, dispatches to a command, renders errors; the only place that prints.

import { WhittleError } from '@whittle/datasets';
import { resolveSubcommand, type Command, type CommandIo } from './cli/command.ts';
import { parseOptions, renderHelp } from './cli/options.ts';
import { TerminalReporter } from './cli/terminal-reporter.ts';
import { COMMANDS } from './commands/registry.ts';

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length)) + 2;
  return [
    'Usage: whittle <command> [flags]',
    '',
    'Turn data into small, fast, edge-ready models: train with TensorFlow.js, export to ONNX,',
    'quantize, and compare every variant against its full-precision baseline.',
    '',
    'Commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary}`),
    '',
    "Run 'whittle <command> --help' for a command's flags.",
  ].join('\n');
}

/** Run the CLI with `argv` (without node and script). Sets process.exitCode; never calls process.exit. */
export async function main(argv: readonly string[], io?: Partial<CommandIo>): Promise<void> {
  const stdout = io?.stdout ?? ((text: string) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`));
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    stdout(usage());
    if (name === undefined) process.exitCode = 2;
    return;
  }
  const top = (COMMANDS as Record<string, Command>)[name];
  if (top === undefined) {
    process.stderr.write(`whittle: unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const { command, argv: commandArgv } = resolveSubcommand(top, rest);
  const reporter = io?.reporter ?? new TerminalReporter(process.stderr, rest.includes('--quiet'));
  try {
    const { options, positionals, help } = parseOptions(command.spec, commandArgv);
    if (help) {
      stdout(renderHelp(command.spec, Object.values(command.subcommands ?? {}).map((c) => c.spec)));
      return;
    }
    await command.run(options, positionals, { stdout, reporter });
  } catch (err) {
    // 130 = 128 + SIGINT, what shells expect from a run stopped by Ctrl-C.
    process.exitCode = err instanceof WhittleError && err.code === 'INTERRUPTED' ? 130 : 1;
    if (err instanceof WhittleError) {
      process.stderr.write(`whittle ${command.spec.name}: ${err.message}\n`);
      if (err.hint !== undefined) process.stderr.write(`  hint: ${err.hint}\n`);
      if (process.env['WHITTLE_DEBUG'] && err.stack) process.stderr.write(`${err.stack}\n`);
    } else {
      process.stderr.write(`whittle ${command.spec.name}: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    }
  }
}
