import { Failure, quoted } from "./failure.js";

/** A temporary disable longer than this is a permanent one by another name. */
export const MAX_DISABLE_MINUTES = 30 * 24 * 60;

const DURATION = /^(\d{1,6})\s*([a-z]+)$/i;
const MINUTES_PER_UNIT: Readonly<Record<string, number>> = {
  m: 1,
  min: 1,
  mins: 1,
  minute: 1,
  minutes: 1,
  h: 60,
  hr: 60,
  hrs: 60,
  hour: 60,
  hours: 60,
  d: 1440,
  day: 1440,
  days: 1440,
  w: 10080,
  week: 10080,
  weeks: 10080,
};

/** A unit word, for `for 4 hours` typed with a space. */
export function isDurationUnit(word: string): boolean {
  return Object.hasOwn(MINUTES_PER_UNIT, word.toLowerCase());
}

/** `4h`, `30m`, `2d`, `1 week` as minutes, within 1 minute and MAX_DISABLE_MINUTES. */
export function parseDuration(text: string): number | Failure {
  const match = DURATION.exec(text);
  const perUnit = match && isDurationUnit(match[2]!) ? MINUTES_PER_UNIT[match[2]!.toLowerCase()] : undefined;
  if (!match || perUnit === undefined) {
    return new Failure(`${quoted(text)} is not a duration: use e.g. 30m, 4h or 2d`);
  }
  const minutes = Number(match[1]) * perUnit;
  if (minutes < 1 || minutes > MAX_DISABLE_MINUTES) {
    return new Failure("the duration must be between 1 minute and 30 days");
  }
  return minutes;
}
