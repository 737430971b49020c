import { describe, expectTypeOf, it } from 'vitest';
import type { EnrollmentWorkflow } from '../../journey/definitions';
import type { enrollmentWorkflow } from '../../workflows';

describe('the journey definitions', () => {
  // Checked by `tsc --noEmit` (npm test runs it first): clients start the workflow by name with this type.
  it('type the workflow as workflows/ exports it, so clients never import workflow code', () => {
    expectTypeOf<typeof enrollmentWorkflow>().toEqualTypeOf<EnrollmentWorkflow>();
  });
});
