// The progress/log sink libs report through: libs never print, the CLI decides how to render.

/** One step of a long-running stage: `done` of `total` units, with an optional short detail. */
export interface ProgressEvent {
  readonly stage: string;
  readonly done: number;
  readonly total: number;
  readonly detail?: string;
}

/** Where libs send progress and messages. Every method is optional to call and cheap. */
export interface Reporter {
  progress(event: ProgressEvent): void;
  info(message: string): void;
  warn(message: string): void;
}

/** A reporter that drops everything (tests, library use without a UI). */
export const SILENT_REPORTER: Reporter = Object.freeze({
  progress: () => undefined,
  info: () => undefined,
  warn: () => undefined,
});
