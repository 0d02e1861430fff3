// The islands' one way to call the JSON API from the browser. Every failure, including a network
// error or a non-JSON answer, comes back as the same shape so forms have one error path.

export type ApiFailure = { status: number; code: string; message: string; details: unknown };
export type ApiOutcome<T> = { ok: true; status: number; data: T } | { ok: false; error: ApiFailure };

const OFFLINE: ApiFailure = {
  status: 0,
  code: 'network',
  message: 'We couldn’t reach SkillSwap. Check your connection and try again.',
  details: undefined,
};

export async function request<T>(
  path: string,
  init: { method?: string; json?: unknown; form?: FormData; signal?: AbortSignal } = {},
): Promise<ApiOutcome<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (init.form) body = init.form;
  else if (init.json !== undefined) {
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
      ...(init.signal ? { signal: init.signal } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    return { ok: false, error: OFFLINE };
  }
  const data: unknown = await res.json().catch(() => null);
  if (res.ok) return { ok: true, status: res.status, data: data as T };
  const e = (data as { error?: Partial<ApiFailure> } | null)?.error;
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
