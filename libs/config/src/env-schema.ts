import { z } from 'zod';
import { Secret } from './secret';

/** Reusable zod pieces for environment variables: env values are strings, these parse them strictly. */

export const envInt = (options: { min?: number; max?: number } = {}) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, 'must be an integer')
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(options.min ?? Number.MIN_SAFE_INTEGER)
        .max(options.max ?? Number.MAX_SAFE_INTEGER),
    );

export const envBool = () =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no']))
    .transform((value) => value === 'true' || value === '1' || value === 'yes');

export const envList = () =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    )
    .pipe(z.array(z.string()).min(1, 'must list at least one value'));

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Durations like `250ms`, `30s`, `5m`, `24h`, `7d`; parsed into milliseconds. */
export const envDuration = () =>
  z
    .string()
    .trim()
    .regex(DURATION, 'must be a duration such as 500ms, 30s, 5m, 24h')
    .transform((value) => {
      const [, amount, unit] = DURATION.exec(value) as RegExpExecArray;
      return Number(amount) * UNIT_MS[unit];
    });

/** A secret: validated like a string, then wrapped so it is never echoed. */
export const envSecret = (inner: z.ZodType<string> = z.string().min(1)) =>
  inner.transform((value) => new Secret(value));

export const envUrl = (protocols: readonly string[] = ['http:', 'https:']) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL (${protocols.join(', ')})`,
    );
