// The sessions islands' one way to call the JSON API from the browser (same origin, the member's
// cookie). Network errors and non-JSON answers come back in the same shape as API errors, so every
// island has a single error path.

export type ApiError = { status: number; code: string; message: string; details: unknown };
export type ApiOutcome<T> = { ok: true; status: number; data: T } | { ok: false; error: ApiError };

const OFFLINE: ApiError = {
  status: 0,
  code: 'network',
  message: 'We couldn’t reach SkillSwap. Check your connection and try again.',
  details: undefined,
};

export async function call<T>(
  path: string,
  init: { method?: string; json?: unknown } = {},
): Promise<ApiOutcome<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? 'GET',
      credentials: 'same-origin',
      headers,
      ...(body === undefined ? {} : { body }),
    });
  } catch {
    return { ok: false, error: OFFLINE };
  }
  const data: unknown = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.ok) return { ok: true, status: res.status, data: data as T };
  const e = (data as { error?: Partial<ApiError> } | null)?.error;
  return {
    ok: false,
    error: {
      status: res.status,
      code: typeof e?.code === 'string' ? e.code : 'unknown',
      message:
        typeof e?.message === 'string' ? e.message : 'Something went wrong on our side. Please try again.',
      details: e?.details,
    },
  };
}

/** A 401 means the cookie expired while the page was open: say so, and offer the way back. */
export function describe(error: ApiError): string {
  if (error.status === 401) return 'Your sign-in has expired. Log in again to continue.';
  return error.message;
}
