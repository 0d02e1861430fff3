// Reports filed before categories (ReportFiled v1 and v2) read as `other`.
import { describe, expect, it } from 'vitest';
import { ReportFiled } from './events.ts';

const v2 = {
  reportId: 'r1',
  reporterId: 'ann',
  targetType: 'user',
  targetId: 'bob',
  ownerId: 'bob',
  reason: 'rude',
  weight: 0.35,
  source: 'member',
  standing: null,
};

describe('ReportFiled', () => {
  it('is at version 3, with a category', () => {
    expect(ReportFiled.version).toBe(3);
    expect(ReportFiled.schema.safeParse(v2).success).toBe(false);
  });

  it('upcasts a v2 report to category other, and a v1 one through v2', () => {
    expect(ReportFiled.schema.parse(ReportFiled.upcasters[2]!(v2))).toMatchObject({ category: 'other' });
    const { standing: _, ...v1 } = v2;
    const lifted = ReportFiled.upcasters[2]!(ReportFiled.upcasters[1]!(v1));
    expect(ReportFiled.schema.parse(lifted)).toMatchObject({ category: 'other', standing: null });
  });
});
