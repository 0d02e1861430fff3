// Load for the process tests: requests that keep running while a fault strikes, recording what was acknowledged.

/** Repeats `attempt` until stopped; `acked` holds what each success returned, `failures` counts the rest. */
export function repeat<T>(attempt: (n: number) => Promise<T>, onStop: () => Promise<void> = async () => {}) {
  const acked: T[] = [];
  let failures = 0;
  let stopped = false;
  const loop = (async () => {
    for (let n = 1; !stopped && n <= 100_000; n++) {
      try {
        acked.push(await attempt(n));
      } catch {
        // The server or its database went away mid-request: this one outcome is unknown, which is allowed.
        failures++;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  })();
  let stopping: Promise<void> | null = null;
  return {
    acked,
    failures: () => failures,
    stop: () => {
      stopped = true;
      stopping ??= loop.then(onStop);
      return stopping;
    },
  };
}

/** One sign-up through the API: the member's id and session cookie on 201; rejects on any other answer. */
export async function signUp(
  port: number,
  label: string,
  timeoutMs = 10_000,
): Promise<{ id: string; cookie: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `${label}@example.com`,
      password: 'a perfectly good password',
      displayName: `Member ${label}`.slice(0, 60),
    }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (res.status !== 201) throw new Error(`sign-up answered ${res.status}: ${await res.text()}`);
  const { user } = (await res.json()) as { user: { id: string } };
  return { id: user.id, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]! };
}

/** Signs members up through the API: a 201 means the server committed the registration. */
export function signUpInALoop(port: number) {
  const run = `process-${Date.now()}-${port}`;
  return repeat(async (n) => (await signUp(port, `${run}-${n}`)).id);
}

/** GETs `path` over and over; `acked` collects the status of every answer (a refused request counts as failure). */
export function readInALoop(port: number, path: string) {
  return repeat(async () => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return res.status;
  });
}
