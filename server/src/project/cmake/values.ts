// Values of the CMake evaluator. A CMake value is a string that a `;` splits into a list; here a list of
// items, each remembering the token it was written in (so a finding can point at the path in `set()`,
// not at `${cert}`), and marked unknown when it came from something a static reader cannot know (an
// environment variable of the build, a function's result, an option with no value).

export interface Origin { file: string; start: number; end: number }

export interface Item {
  text: string;
  /** The token that wrote this text (the whole token when it was built from pieces). */
  at?: Origin;
  /** The text holds a reference we could not resolve; `text` is as written, for messages. */
  unknown?: true;
  /** Set in a branch whose condition could not be decided: the build may or may not have it. */
  maybe?: true;
}

export type Value = Item[];

/** CMake's false constants (if(<constant>)); anything else non-empty that is not a variable name is true. */
const FALSE_CONSTANTS = /^(0|OFF|NO|FALSE|N|IGNORE|NOTFOUND|.*-NOTFOUND)$/i;
const TRUE_CONSTANTS = /^(1|ON|YES|TRUE|Y)$/i;

export const isFalseConstant = (s: string) => s === '' || FALSE_CONSTANTS.test(s);
export const isTrueConstant = (s: string) => TRUE_CONSTANTS.test(s) || (/^-?\d+(\.\d+)?$/.test(s) && Number(s) !== 0);

export function joined(v: Value): string {
  return v.map((i) => i.text).join(';');
}

export const isUnknown = (v: Value) => v.some((i) => i.unknown);

/** Splits on `;` (not `\;`) and drops empty elements, as list-taking commands see a value. */
export function splitList(text: string): string[] {
  return text.split(/(?<!\\);/).filter((s) => s !== '');
}

/** A value's items split into list elements, each keeping its item's origin and marks. */
export function listItems(v: Value): Item[] {
  return v.flatMap((i) => (i.unknown ? [i] : splitList(i.text).map((text) => ({ ...i, text }))));
}

export const maybeOf = (v: Value): Value => v.map((i) => ({ ...i, maybe: true as const }));
