/** The shape of a threading lesson: a `main` that narrates through a Transcript and returns what happened. */
import type { Transcript } from './transcript.js';

export interface LessonContext {
  /** Small sizes and short waits, so the lesson finishes fast (CI). */
  quick: boolean;
  /** Where the lesson prints; threads get `out.lines`. */
  out: Transcript;
}

/** A lesson's entry point; resolves with a plain, JSON-serialisable result once every thread it started has ended. */
export type LessonMain<R extends object = object> = (ctx: LessonContext) => Promise<R>;
