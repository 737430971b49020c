import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import {
  ENROLLMENT_WORKFLOW_TYPE,
  TASK_PRIORITY,
  enrollmentWorkflowId,
  paymentReceivedSignal,
  searchAttributes,
} from './definitions';
import type { EnrollmentInput, EnrollmentWorkflow, PaymentReceived } from './definitions';

/**
 * What bots and the webhook do with journeys: start one, or deliver a payment to it. Nothing multi-step.
 * `priorities: false` (PRIORITIES=off) starts journeys without a priority key, and their steps then set none either
 * (workflows/activity-steps.ts): every task in arrival order, to measure what the keys buy.
 */
export function enrollmentClient(client: Client, taskQueue: string, { priorities = true } = {}) {
  const startOptions = (input: EnrollmentInput) => ({
    taskQueue,
    workflowId: enrollmentWorkflowId(input),
    args: [input] satisfies [EnrollmentInput],
    // A journey id is never reused: a second start of the same (course, user) is "already enrolled".
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    // A journey's tasks take milliseconds; a worker killed while it held one costs this long before another worker
    // takes it (the server's default is 10 s, measured as a large share of lateness under SIGKILLs).
    workflowTaskTimeout: '5s',
    // A new journey's first tasks answer a payer (the welcome); activities/journey-priority.ts lowers it once that is
    // out. Its steps inherit it unless they set their own (workflows/activity-steps.ts).
    ...(priorities ? { priority: { priorityKey: TASK_PRIORITY.interactive } } : {}),
    // What ops read in the Temporal UI's list and header; ids only, no names (personal data stays in Postgres).
    staticSummary: `Student ${input.userId} in course ${input.courseSlug}`,
    typedSearchAttributes: [
      { key: searchAttributes.stage, value: 'awaiting-payment' },
      { key: searchAttributes.course, value: input.courseSlug },
      { key: searchAttributes.day, value: 0 },
    ],
  });

  return {
    async start(input: EnrollmentInput): Promise<{ workflowId: string; alreadyEnrolled: boolean }> {
      const options = startOptions(input);
      try {
        await client.workflow.start<EnrollmentWorkflow>(ENROLLMENT_WORKFLOW_TYPE, options);
        return { workflowId: options.workflowId, alreadyEnrolled: false };
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError)
          return { workflowId: options.workflowId, alreadyEnrolled: true };
        throw err;
      }
    },

    /** Signal-with-start: resolves once Temporal has durably accepted the payment into the journey's history. */
    async pay(input: EnrollmentInput, payment: PaymentReceived): Promise<{ workflowId: string }> {
      const options = startOptions(input);
      await client.workflow.signalWithStart<EnrollmentWorkflow, [PaymentReceived]>(ENROLLMENT_WORKFLOW_TYPE, {
        ...options,
        // Money that arrives after an unpaid journey expired opens it again (a new run of the same journey); orders
        // make sure the same payment never arrives twice, and checkout refuses a course already completed.
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        signal: paymentReceivedSignal,
        signalArgs: [payment],
      });
      return { workflowId: options.workflowId };
    },

    /**
     * A student is waiting for the journey's answer (a submission's receipt): its next tasks go before the tasks of
     * journeys that only have lessons due. The answer activity lowers it again (activities/journey-priority.ts).
     * Best effort: without it the answer only waits in arrival order.
     */
    async answerOwed(input: EnrollmentInput): Promise<void> {
      if (!priorities) return;
      await client.workflowService
        .updateWorkflowExecutionOptions({
          namespace: client.options.namespace,
          workflowExecution: { workflowId: enrollmentWorkflowId(input) },
          workflowExecutionOptions: { priority: { priorityKey: TASK_PRIORITY.interactive } },
          updateMask: { paths: ['priority'] },
        })
        .catch(() => undefined);
    },

    handle: (input: EnrollmentInput) => client.workflow.getHandle<EnrollmentWorkflow>(enrollmentWorkflowId(input)),
  };
}

export type EnrollmentClient = ReturnType<typeof enrollmentClient>;
