import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import {
  BROADCAST_WORKFLOW_TYPE,
  TASK_PRIORITY,
  broadcastWorkflowId,
  cancelBroadcastSignal,
  pauseBroadcastSignal,
  resumeBroadcastSignal,
} from './definitions';
import type { BroadcastInput, BroadcastWorkflow } from './definitions';

export interface BroadcastBatch {
  size: number;
  maxMs: number;
  /** Batches per run before it continues as new; the workflow's default when absent. */
  perRun?: number;
}
/** 500 recipients or 2 s of sending, whichever comes first: Pause and Cancel take effect within about 2 s. */
export const DEFAULT_BROADCAST_BATCH: BroadcastBatch = { size: 500, maxMs: 2_000 };

const SIGNALS = { pause: pauseBroadcastSignal, resume: resumeBroadcastSignal, cancel: cancelBroadcastSignal };

/** What the review desk does with broadcast workflows (#18): start one per confirmed row, and signal it. */
export function broadcastClient(client: Client, taskQueue: string, batch: BroadcastBatch = DEFAULT_BROADCAST_BATCH) {
  return {
    /** Starts the broadcast's workflow; false when it was started before (a second Confirm). */
    async start(broadcastId: number): Promise<boolean> {
      try {
        await client.workflow.start<BroadcastWorkflow>(BROADCAST_WORKFLOW_TYPE, {
          taskQueue,
          workflowId: broadcastWorkflowId(broadcastId),
          args: [{ broadcastId, batch } satisfies BroadcastInput],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          priority: { priorityKey: TASK_PRIORITY.bulk },
          staticSummary: `Broadcast ${broadcastId}`,
        });
        return true;
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
        throw err;
      }
    },

    /** Pauses, resumes or cancels it; false when it is not running (finished, cancelled, never started). */
    async signal(broadcastId: number, action: keyof typeof SIGNALS): Promise<boolean> {
      try {
        await client.workflow.getHandle(broadcastWorkflowId(broadcastId)).signal(SIGNALS[action]);
        return true;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      }
    },
  };
}

export type BroadcastClient = ReturnType<typeof broadcastClient>;
