/** One entry of CyberArk's `Details[]`. */
export interface ParsedErrorDetail {
  readonly code?: string;
  readonly message?: string;
  readonly parameterName?: string;
}

/** The error body reduced to what every known shape has in common. */
export interface ParsedErrorBody {
  /** `ErrorCode`, OAuth `error`, or `code`. */
  readonly code?: string;
  /** `ErrorMessage`, `ErrorMsg`, `error_description`, `message` or `Description`; for HTML, its visible text. */
  readonly message?: string;
  readonly details: readonly ParsedErrorDetail[];
}

const EMPTY: ParsedErrorBody = { details: [] };

/**
 * Reads any error body CyberArk components are known to send: PVWA `{ErrorCode, ErrorMessage, Details}`,
 * OAuth `{error, error_description}`, Identity `{message, code}` / `{Message, Description}`, CCP
 * `{ErrorCode, ErrorMsg}`, a bare JSON string, or an IIS HTML page. Keys are matched case-insensitively.
 */
export function parseErrorBody(text: string | undefined): ParsedErrorBody {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') return EMPTY;
  const json = tryParseJson(trimmed);
  if (json === undefined) return { message: visibleText(trimmed), details: [] };
  if (typeof json === 'string') return { message: json, details: [] };
  if (!isRecord(json)) return EMPTY;
  return fromObject(json);
}

function fromObject(body: Record<string, unknown>): ParsedErrorBody {
  const field = caseInsensitive(body);
  return {
    code: nonEmptyString(field('errorcode')) ?? nonEmptyString(field('error')) ?? codeString(field('code')),
    message:
      nonEmptyString(field('errormessage')) ??
      nonEmptyString(field('errormsg')) ??
      nonEmptyString(field('error_description')) ??
      nonEmptyString(field('message')) ??
      nonEmptyString(field('description')),
    details: parseDetails(field('details')),
  };
}

function parseDetails(details: unknown): ParsedErrorDetail[] {
  const entries = Array.isArray(details) ? details : [details];
  return entries.filter(isRecord).map((entry) => {
    const field = caseInsensitive(entry);
    return {
      code: nonEmptyString(field('errorcode')),
      message: nonEmptyString(field('errormessage')) ?? nonEmptyString(field('errormsg')),
      parameterName: nonEmptyString(field('parametername')),
    };
  });
}

/** Prefers an HTML page's `<title>`; otherwise strips tags. */
function visibleText(text: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1];
  const raw = title ?? text.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' ');
  return raw.replace(/\s+/g, ' ').trim();
}

function caseInsensitive(record: Record<string, unknown>): (key: string) => unknown {
  const byLowerKey = new Map(Object.entries(record).map(([key, value]) => [key.toLowerCase(), value]));
  return (key) => byLowerKey.get(key);
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function codeString(value: unknown): string | undefined {
  return typeof value === 'number' ? String(value) : nonEmptyString(value);
}
