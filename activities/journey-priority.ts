import { Context } from '@temporalio/activity';
import { TASK_PRIORITY } from '../journey/definitions';

/**
 * A journey's workflow tasks run at the journey's own priority, which Temporal takes from the start and which only
 * an update of the execution's options changes. A journey starts at TASK_PRIORITY.interactive (a payer waits for the
 * welcome), and a student's submission raises it there again (journey/client.ts `answerOwed`); once the answer has
 * gone out, the journey rests at TASK_PRIORITY.journey, so the tasks of a fan-out of lessons never queue ahead of
 * the next payer's or submitter's. Called by the answer activities; a journey without priority (PRIORITIES=off),
 * or a call outside an activity (tests), changes nothing. Best effort: a journey left at `interactive` only runs
 * earlier than it needs to.
 */
export async function settleJourneyPriority(journeyPriority?: number): Promise<void> {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return;
  }
  const { info } = context;
  const workflowId = info.workflowExecution?.workflowId;
  // A local answer runs in the journey's own workflow task, without a key of its own: the journey passes it.
  const key = info.isLocal ? journeyPriority : info.priority?.priorityKey;
  if (!workflowId || key !== TASK_PRIORITY.interactive) return;
  try {
    await context.client.workflowService.updateWorkflowExecutionOptions({
      namespace: info.workflowNamespace ?? 'default',
      workflowExecution: { workflowId },
      workflowExecutionOptions: { priority: { priorityKey: TASK_PRIORITY.journey } },
      updateMask: { paths: ['priority'] },
    });
  } catch (err) {
    context.log.warn('Could not lower the journey’s priority', { error: String(err) });
  }
}
