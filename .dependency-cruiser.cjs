// The architecture rules of SkillSwap (docs: /work/shared/STYLE.md), checked by `npm run depcheck` in CI.
// Paths are relative to the repository root, as depcruise is run from there.

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
      name: 'module-through-its-index',
      comment:
        'A module reaches another module only through modules/<name>/index.ts, its public face, or its published ' +
        'events (modules/<name>/events.ts); anything else is that module’s internals.',
      severity: 'error',
      from: { path: '^modules/([^/]+)/' },
      to: {
        path: '^modules/[^/]+/',
        pathNot: ['^modules/$1/', '^modules/[^/]+/index\\.ts$', '^modules/[^/]+/events\\.ts$'],
      },
    },
    {
      name: 'read-model-through-module-index',
      comment:
        'A read model knows a module’s events through modules/<name>/events.ts (or its index.ts). (Its tests may ' +
        'start the whole app, modules/index.ts, and use the shared test helpers, modules/testing.ts.)',
      severity: 'error',
      from: { path: '^read-models/' },
      to: {
        path: '^modules/',
        pathNot: ['^modules/[^/]+/(index|events)\\.ts$', '^modules/(index|testing)\\.ts$'],
      },
    },
    {
      name: 'web-through-the-api',
      comment: 'Pages load their data through the HTTP API (Astro.locals.api), never from the server’s code.',
      severity: 'error',
      from: { path: '^web/src/' },
      to: { path: '^(modules|read-models|infra)/' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle means two files are one thing, or one of them is in the wrong place.',
      severity: 'error',
      from: {},
      // A cycle with an `import type` in it does not exist at run time (the import is erased): that one is the
      // warning below, so that the check can pass while infra/platform.ts <-> projections/routes.ts is untangled.
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-circular-types',
      comment:
        'A cycle closed by a type-only import: harmless at run time, but still two files tangled together.',
      severity: 'warn',
      from: {},
      to: { circular: true, via: { dependencyTypes: ['type-only'] } },
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
