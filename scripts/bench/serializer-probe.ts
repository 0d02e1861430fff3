// One answer of GET /api/sessions (probe.ts's data) written by zod's parse + JSON.stringify and by the compiled
// serializer, many times: the per-answer cost of each.
import { readFileSync } from 'node:fs';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { listOf } from '../../infra/http/index.ts';
import { compiledSerializer } from '../../infra/http/serializer.ts';
import { sessionView } from '../../read-models/session-listings/views.ts';

const body = JSON.parse(readFileSync(process.argv[2]!, 'utf8'));
const schema = listOf(sessionView);
const route = { schema, method: 'GET', url: '/api/sessions', httpStatus: '200' };
const zod = serializerCompiler(route as never);
const fast = compiledSerializer({ checkAnswers: false })(route as never);
for (const [name, f] of [
  ['zod + JSON.stringify', zod],
  ['compiled', fast],
  ['zod', zod],
  ['compiled', fast],
] as const) {
  for (let i = 0; i < 200; i++) f(body);
  const t = process.cpuUsage();
  const n = 2000;
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes = f(body).length;
  const u = process.cpuUsage(t);
  console.log(`${name.padEnd(22)} ${((u.user + u.system) / n).toFixed(0)} µs per answer (${bytes} bytes)`);
}
