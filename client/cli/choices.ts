import { CliUsageError } from './context.js';

/**
 * The values an option takes come from the arrays in contracts/, so the CLI lists and checks exactly
 * what the server accepts. These helpers turn such an array into help text and into a checked value.
 */

/** `a, b or c`: the choices as a help text says them. */
export function orList(choices: readonly string[]): string {
  if (choices.length < 2) return choices.join('');
  return `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}`;
}

/** True when `value` is one of `choices`. */
export function isOneOf<T extends string>(choices: readonly T[], value: string): value is T {
  return (choices as readonly string[]).includes(value);
}

/** `value` when it is one of `choices`; otherwise a usage error listing them (`--kind is one of: a, b.`). */
export function oneOf<T extends string>(choices: readonly T[], value: string, flag: string): T {
  if (!isOneOf(choices, value)) throw new CliUsageError(`${flag} is one of: ${choices.join(', ')}.`);
  return value;
}

/** For an option given more than once (`--attach a --attach b`): each value, in order. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
