// One JSON request with an optional bearer token, for tests that drive the cloud server or the control API.

/** The status and the parsed JSON body ({} when empty). */
export interface JsonAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Sends `body` as JSON (when given) with `Authorization: Bearer <token>` (when given). */
export async function callJson(
  url: string | URL,
  method: string,
  token: string | null,
  body?: unknown,
): Promise<JsonAnswer> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}
