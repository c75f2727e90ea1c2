/**
 * Value descriptions and the wire's reasons a value could not be carried, for messages: lib/wire.ts
 * writes them in English (inside the isolate too, where `en` must not run), and here they get their
 * keys back (lib/messages/sandbox-texts.ts), so a message quoting one reads in the learner's language.
 */
import { describe as describeInEnglish, type InvalidValue } from "../wire.ts";
import { sandboxText } from "../messages/sandbox-texts.ts";

/** A short description of a value ("an array of length 3", "an object", "undefined"), translatable. */
export function describe(v: unknown): string {
  return sandboxText(describeInEnglish(v));
}

/** Why a returned value could not be carried ("nested more than 16 levels deep"), translatable. */
export function whyText(v: InvalidValue): string {
  return sandboxText(v.why);
}
