import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { encryptingDataConverter } from '../../lib/payload-codec';
import { HISTORIES_DIR, loadHistories } from '../helpers/histories';
import { TEST_PAYLOAD_KEYS } from '../helpers/temporal';

/**
 * Journeys already running must survive every deploy: the committed histories (captured from real runs with
 * CAPTURE_HISTORIES=1) are replayed against today's workflow code, and any non-determinism fails CI.
 */
describe('replay of captured journey histories', () => {
  const histories = loadHistories();

  it('has the committed fixtures to replay', () => {
    expect(histories.length, `histories in ${HISTORIES_DIR}`).toBeGreaterThanOrEqual(5);
  });

  it('replays every history without a determinism error, with the payload codec as workers run it', async () => {
    const results = [];
    // The committed histories predate encryption: the codec passes their clear payloads through.
    for await (const result of Worker.runReplayHistories(
      {
        workflowBundle: { codePath: inject('workflowBundlePath') },
        dataConverter: encryptingDataConverter(TEST_PAYLOAD_KEYS),
      },
      histories,
    )) {
      results.push({ workflowId: result.workflowId, error: result.error ? String(result.error) : undefined });
    }
    expect(results).toEqual(histories.map(({ workflowId }) => ({ workflowId, error: undefined })));
  });

  it('catches a change that would break running journeys', async () => {
    const changed = await bundleWorkflowCode({
      workflowsPath: path.join(__dirname, '..', 'fixtures', 'changed-workflow'),
      logger: new DefaultLogger('WARN'),
    });
    const [first] = histories;
    const errors = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: changed }, [first!]))
      errors.push(result.error);
    expect(errors.map((error) => error?.name)).toEqual(['DeterminismViolationError']);
  });
});
