// The load generator, run as a child process by http.ts: autocannon in the server's process would take the CPU
// the server is being measured on. Takes {url, paths, connections, seconds, headers?, cookies?} as JSON, prints the
// summary as JSON.
import autocannon from 'autocannon';

const { url, paths, connections, seconds, headers, cookies } = JSON.parse(process.argv[2]!) as {
  url: string;
  paths: string[];
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  /** Signed-in members' cookies, taken in turn: each request as a member of its own (the session lookup's cost). */
  cookies?: string[];
};
let i = 0;
let j = 0;
const result = await autocannon({
  url,
  connections,
  duration: seconds,
  ...(headers ? { headers } : {}),
  // Several paths (profiles of different members, say) are taken in turn, so caches see realistic variety.
  requests: [
    {
      method: 'GET',
      setupRequest: (req) => ({
        ...req,
        path: paths[i++ % paths.length]!,
        ...(cookies?.length ? { headers: { ...req.headers, cookie: cookies[j++ % cookies.length]! } } : {}),
      }),
    },
  ],
});
const ok = result['2xx'];
process.stdout.write(
  JSON.stringify({
    requestsPerSecond: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    bytes: result.throughput.total / Math.max(1, result.requests.total),
  }),
);
