/**
 * One JSON call to a simulator's control API: the body (if any) as JSON, the answer parsed (an empty
 * answer is undefined). A refusal becomes `refused(status, message)`, the simulator's own error
 * type, with its `{error, message, issues}` answer condensed into the message.
 */
export async function controlCall<T>(
  controlUrl: string,
  method: string,
  path: string,
  body: unknown,
  refused: (status: number, message: string) => Error,
): Promise<T> {
  const response = await fetch(`${controlUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok)
    throw refused(response.status, `${method} ${path} → ${response.status}: ${explain(text)}`);
  return (text.length === 0 ? undefined : JSON.parse(text)) as T;
}

/** The simulator's `{error, message, issues}` answer, condensed; the simulators never echo secrets there. */
function explain(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: string; issues?: string[] };
    return [parsed.message, ...(parsed.issues ?? [])].filter(Boolean).join('; ') || text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}
