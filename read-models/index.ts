import type { Projector } from '../infra/projections/index.ts';

// Every read model's projector. Each folder here holds one read model: projector, queries, tests.
export const readModels: Projector[] = [];
