import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import type { ActivityDeps } from '../../activities';
import { enrollmentClient } from '../../journey/client';
import { createEnrollmentWorker } from '../../apps/enrollment-worker';
import { encryptingDataConverter } from '../../lib/payload-codec';
import type { PayloadKey } from '../../lib/payload-codec';

/** The key every test client and worker encrypts with: journeys in tests run as in production, encrypted. */
export const TEST_PAYLOAD_KEYS: PayloadKey[] = [{ id: 'test-1', key: Buffer.alloc(32, 7) }];

export interface TemporalHarness {
  client: Client;
  taskQueue: string;
  enrollments: ReturnType<typeof enrollmentClient>;
  /** Starts a worker on this harness' task queue (TEST_PAYLOAD_KEYS unless told); stop() shuts it down and waits for it. */
  startWorker(deps: ActivityDeps, payloadKeys?: PayloadKey[]): Promise<RunningWorker>;
  close(): Promise<void>;
}

export interface RunningWorker {
  worker: Worker;
  stop(): Promise<void>;
}

/** Worker chatter (state changes, bundling) only when something is wrong; a process installs its runtime once. */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed in this process by an earlier test file.
  }
}

/** Connects to the run's dev server with a task queue of its own, so test files never steal each other's tasks. */
export async function connectTemporal(payloadKeys: PayloadKey[] = TEST_PAYLOAD_KEYS): Promise<TemporalHarness> {
  quietRuntime();
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  const client = new Client({ connection, dataConverter: encryptingDataConverter(payloadKeys) });
  const taskQueue = `test-${randomUUID()}`;
  const running = new Set<RunningWorker>();
  return {
    client,
    taskQueue,
    enrollments: enrollmentClient(client, taskQueue),
    async startWorker(deps, workerKeys = payloadKeys) {
      const worker = await createEnrollmentWorker({
        ...deps,
        connection: nativeConnection,
        namespace: 'default',
        taskQueue,
        payloadKeys: workerKeys,
        workflowBundlePath: inject('workflowBundlePath'),
        tuning: { shutdownGraceTime: '2s' },
      });
      const done = worker.run();
      const handle: RunningWorker = {
        worker,
        async stop() {
          running.delete(handle);
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await done;
        },
      };
      running.add(handle);
      return handle;
    },
    async close() {
      await Promise.all([...running].map((w) => w.stop()));
      await nativeConnection.close();
      await connection.close();
    },
  };
}
