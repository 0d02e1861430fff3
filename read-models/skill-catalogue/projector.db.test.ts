import { describe, expect, it } from 'vitest';
import { projectorSpec } from '../../infra/testing/projector-spec.ts';
import { skillCatalogueProjector } from './projector.ts';

const spec = await projectorSpec(skillCatalogueProjector);
const skills = () => spec.rows('SELECT name, teachers, learners FROM skill_catalogue ORDER BY skill_key');

describe('the skill catalogue', () => {
  it('keeps a skill in its first spelling, counting teachers and learners whatever their spelling', async () => {
    await spec.given([
      { type: 'ProfileUpdated', data: { memberId: 'ana', skillsToTeach: ['TypeScript', 'Baking'] } },
      { type: 'ProfileUpdated', data: { memberId: 'ben', skillsToLearn: ['typescript'] } },
    ]);
    expect(await skills()).toEqual([
      { name: 'Baking', teachers: 1, learners: 0 },
      { name: 'TypeScript', teachers: 1, learners: 1 },
    ]);
  });

  it('stops counting a member who drops a skill or deletes their account', async () => {
    await spec.given([
      { type: 'ProfileUpdated', data: { memberId: 'ana', skillsToTeach: ['TypeScript'] } },
      { type: 'MemberDeleted', data: { memberId: 'ben' } },
    ]);
    expect(await skills()).toEqual([
      { name: 'Baking', teachers: 0, learners: 0 },
      { name: 'TypeScript', teachers: 1, learners: 0 },
    ]);
  });
});
