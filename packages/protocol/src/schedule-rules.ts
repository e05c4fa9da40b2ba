/**
 * Schedule rules shared by the server and the client (docs/PRODUCT.md, "Schedule"): a new
 * event's default start, free-text time entry, and the keyword filter.
 */

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const SCHEDULE_LIMITS = {
  titleMax: 200,
  descriptionMax: 4000,
  locationMax: 200,
  intervalMax: 99,
  countMax: 730,
  exceptionsMax: 500,
  /** The longest range one listing may ask for. */
  rangeMaxDays: 366,
  reminderMaxMinutes: 7 * 24 * 60,
  typeNameMax: 40,
} as const;

const HALF_HOUR_MS = 30 * 60_000;

/** Now rounded up to the next :00 or :30 (a time already on one stays). */
export function defaultEventStart(now: Date): Date {
  return new Date(Math.ceil(now.getTime() / HALF_HOUR_MS) * HALF_HOUR_MS);
}

export interface TimeOfDay {
  hour: number;
  minute: number;
}

/**
 * Reads a time typed freely: "930" and "0930" (9:30), "9" (9:00), "21:30", "9.30", "9:30pm",
 * "9 pm", "12am" (0:00), "noon", "midnight". Null when it is not a time of day.
 */
export function parseTimeOfDay(input: string): TimeOfDay | null {
  const text = input.trim().toLowerCase().replace(/\s+/g, ' ');
  if (text === 'noon') return { hour: 12, minute: 0 };
  if (text === 'midnight') return { hour: 0, minute: 0 };
  const match = /^(\d{1,2})(?:[:.h]?(\d{2}))? ?(am|pm|a|p)?$/.exec(text);
  if (!match) return null;
  let hour = Number(match[1]);
  const minute = match[2] === undefined ? 0 : Number(match[2]);
  const half = match[3]?.[0];
  if (minute > 59) return null;
  if (half) {
    if (hour < 1 || hour > 12) return null;
    if (half === 'a') hour = hour === 12 ? 0 : hour;
    else hour = hour === 12 ? 12 : hour + 12;
  } else if (hour > 23) return null;
  return { hour, minute };
}

const WORD_CHAR = '[\\p{L}\\p{N}]';
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The terms of a keyword filter: quoted phrases are whole words, the rest word starts. */
export function keywordTerms(query: string): Array<{ text: string; whole: boolean }> {
  const terms: Array<{ text: string; whole: boolean }> = [];
  const pattern = /"([^"]*)"?|(\S+)/g;
  for (let m = pattern.exec(query); m; m = pattern.exec(query)) {
    const text = (m[1] ?? m[2] ?? '').trim();
    if (text) terms.push({ text, whole: m[1] !== undefined });
  }
  return terms;
}

/**
 * The keyword filter: every term must match. An unquoted term matches at the start of a word
 * (`mount` finds "Mountain hike"); a quoted one only as a whole word or phrase (`"mount"` does
 * not find "mountain"). Case and accents of letters are matched as typed, case-insensitively.
 */
export function keywordMatcher(query: string): (text: string) => boolean {
  const tests = keywordTerms(query).map(({ text, whole }) => {
    const body = escapeRegex(text).replace(/\s+/g, '\\s+');
    return new RegExp(`(?<!${WORD_CHAR})${body}${whole ? `(?!${WORD_CHAR})` : ''}`, 'iu');
  });
  return (text) => tests.every((t) => t.test(text));
}
