// The architecture rules of SkillSwap (docs: /work/shared/STYLE.md), checked by `npm run depcheck` in CI: every
// rule is an error. Paths are relative to the repository root, as depcruise is run from there.

// A module's edge: where HTTP meets it (its http/ folder, and its route files until they move there) and its
// index.ts, which wires it into the app. Only the edge may know fastify and the read models.
const EDGE = [
  '/http/',
  '^modules/[^/]+/index\\.ts$',
  '^modules/index\\.ts$',
  '/routes\\.ts$',
  '-routes\\.ts$',
];
const TESTS = ['\\.test\\.ts$', '(^|/)testing\\.ts$', '\\.testing\\.ts$'];

// What web/src may take from the server: types of the views the API answers with, of its request schemas and of
// the signed-in user pages get (`import type`, erased from the bundle), and the limits the request schemas
// enforce, constants in leaf files (modules/<name>/limits.ts).
const VIEWS_AND_SCHEMAS = [
  '/views\\.ts$',
  '^modules/[^/]+/(schemas\\.ts$|http/)',
  '^infra/http/(schemas|user)\\.ts$',
];
const LIMITS = '^modules/[^/]+/limits\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'infra-knows-no-domain',
      comment:
        'infra/ is machinery without domain knowledge: the app hands it modules and read models as values.',
      severity: 'error',
      from: { path: '^infra/' },
      to: { path: '^(modules|read-models)/' },
    },
    {
      name: 'module-through-its-doors',
      comment:
        'A module reaches another module only through modules/<name>/index.ts, its public face, or events.ts, the ' +
        'events it publishes; anything else is that module’s internals.',
      severity: 'error',
      from: { path: '^modules/([^/]+)/' },
      to: { path: '^modules/[^/]+/', pathNot: ['^modules/$1/', '^modules/[^/]+/(index|events)\\.ts$'] },
    },
    {
      name: 'read-model-knows-events-only',
      comment:
        'A read model knows a module only by the events it publishes, modules/<name>/events.ts: never its index.ts ' +
        '(which pulls in its routes, which query read models: a cycle) nor its internals.',
      severity: 'error',
      from: { path: '^read-models/', pathNot: [...TESTS] },
      to: { path: '^modules/', pathNot: '^modules/[^/]+/events\\.ts$' },
    },
    {
      name: 'read-model-tests-through-doors',
      comment:
        'A read model’s test may start the whole app (modules/index.ts), use the shared test helpers ' +
        '(modules/testing.ts) and a module’s public face; not its internals.',
      severity: 'error',
      from: { path: '^read-models/.*\\.test\\.ts$' },
      to: {
        path: '^modules/',
        pathNot: ['^modules/[^/]+/(index|events)\\.ts$', '^modules/(index|testing)\\.ts$'],
      },
    },
    {
      name: 'module-reads-no-read-model',
      comment:
        'Deciders and handlers get every fact in the command; only the edge (http/, route files, index.ts) ' +
        'queries read models to gather them.',
      severity: 'error',
      from: { path: '^modules/', pathNot: [...EDGE, ...TESTS] },
      to: { path: '^read-models/' },
    },
    {
      name: 'module-knows-no-fastify',
      comment:
        'HTTP lives at the edge (http/, route files, index.ts); the rest of a module is plain functions.',
      severity: 'error',
      from: { path: '^modules/', pathNot: [...EDGE, ...TESTS] },
      to: { path: '^node_modules/(fastify|@fastify/|fastify-)' },
    },
    {
      name: 'web-takes-views-and-schemas-only',
      comment:
        'Pages load their data through the HTTP API (Astro.locals.api). Of the server’s code, web/src may name the ' +
        'types of views and http schemas, and import the request limits, never anything else.',
      severity: 'error',
      from: { path: '^web/src/' },
      to: { path: '^(modules|read-models|infra|scripts)/', pathNot: [...VIEWS_AND_SCHEMAS, LIMITS] },
    },
    {
      name: 'web-takes-server-types-only',
      comment:
        'A value import would put server code (zod, its helpers) into the browser bundle: `import type` only. The ' +
        'limits are the one exception, constants in leaf files.',
      severity: 'error',
      from: { path: '^web/src/' },
      to: {
        path: '^(modules|read-models|infra|scripts)/',
        pathNot: LIMITS,
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'limits-are-leaves',
      comment:
        'Request limits are imported by the browser bundle: a limits file imports nothing, so nothing else ' +
        'comes along.',
      severity: 'error',
      from: { path: LIMITS },
      to: {},
    },
    {
      name: 'no-circular',
      comment:
        'A cycle means two files are one thing, or one of them is in the wrong place. Type-only imports count: ' +
        'erased at run time, they still tie the files together for every reader and every change.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^prisma/generated/', '^web/dist/', '^web/\\.astro/', '^data/'] },
    // Type-only imports are dependencies too: a module must not reach another's internals even for a type.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
