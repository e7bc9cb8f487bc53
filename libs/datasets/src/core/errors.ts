// Typed errors shared by every Whittle lib: each says what was passed, where, and what was expected.

/** Stable machine-readable error codes; the CLI maps them to exit messages. */
export type WhittleErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_CONFIG'
  | 'BAD_FILE'
  | 'UNSUPPORTED'
  | 'MISSING_TOOL'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'NUMERIC'
  | 'BACKEND'
  | 'INTERRUPTED';

/** Base class: `code` for programs, `hint` for people (what to do next). */
export class WhittleError extends Error {
  readonly code: WhittleErrorCode;
  readonly hint: string | undefined;

  constructor(code: WhittleErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }
}

/** A config field or argument outside its allowed values. */
export class ConfigError extends WhittleError {
  constructor(message: string, hint?: string) {
    super('INVALID_CONFIG', message, hint === undefined ? {} : { hint });
  }
}

/** A file that exists but cannot be read as what it claims to be; always names the file. */
export class BadFileError extends WhittleError {
  readonly file: string;
  constructor(file: string, problem: string, hint?: string) {
    super('BAD_FILE', `${file}: ${problem}`, hint === undefined ? {} : { hint });
    this.file = file;
  }
}

/** Something outside the closed set we support (a layer, an op, a format). */
export class UnsupportedError extends WhittleError {
  constructor(message: string, hint?: string) {
    super('UNSUPPORTED', message, hint === undefined ? {} : { hint });
  }
}

/** A system program (espeak-ng, flite, python3 with onnx) is not installed. */
export class MissingToolError extends WhittleError {
  constructor(tool: string, hint: string) {
    super('MISSING_TOOL', `Required program '${tool}' was not found on PATH`, { hint });
  }
}
