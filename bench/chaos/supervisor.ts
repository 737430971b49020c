import { appendFileSync } from 'node:fs';
import { spawnEntry, waitForOutput } from '../processes';

export interface UnexpectedExit {
  name: string;
  at: number;
  code: number | null;
  signal: string | null;
  /** False when it exited while starting (a dependency down at start-up), true when it had been up and running. */
  wasRunning: boolean;
  /** The end of what it printed. */
  output: string;
}

type Child = ReturnType<typeof spawnEntry>;

/**
 * One production process as compose runs it (`restart: unless-stopped`): started from its entry point, started again
 * after it exits. An exit the chaos run caused (kill, stop) is expected; any other one is recorded as a failure.
 */
export class Supervised {
  private child: Child | undefined;
  private ready = false;
  private stopping = false;
  /** Exits the run caused and is waiting for, so it can tell them from crashes. */
  private expecting = false;
  readonly unexpected: UnexpectedExit[] = [];
  starts = 0;

  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: Record<string, string>,
    private readonly readyPattern: RegExp,
    private readonly logFile: string,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Its process exists (it may be starting or draining). */
  get isAlive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get isReady(): boolean {
    return this.ready && this.isAlive;
  }

  async start(): Promise<void> {
    this.stopping = false;
    const child = spawnEntry(this.entry, this.env);
    this.child = child;
    this.ready = false;
    this.starts++;
    child.stdout!.on('data', (chunk: Buffer) => appendFileSync(this.logFile, chunk));
    child.stderr!.on('data', (chunk: Buffer) => appendFileSync(this.logFile, chunk));
    child.once('exit', (code, signal) => {
      const wasRunning = this.ready;
      this.ready = false;
      if (this.child !== child) return;
      if (!this.expecting) {
        const output = child.output().slice(-3000);
        this.unexpected.push({ name: this.name, at: Date.now(), code, signal, wasRunning, output });
      }
      this.expecting = false;
      // Compose starts it again a moment later; a process the run stopped for good stays down.
      if (!this.stopping) setTimeout(() => void this.start().catch(() => {}), 1_000);
    });
    await waitForOutput(child, this.readyPattern, this.name);
    if (this.child === child) this.ready = true;
  }

  /** Resolves once it is up (polling), or after `timeoutMs`. */
  async whenReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.isReady && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  }

  /** Sends `signal` (the exit is expected) and resolves when the process is gone; it is started again unless `stay`. */
  async kill(signal: NodeJS.Signals, options: { stay?: boolean } = {}): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.expecting = true;
    this.stopping ||= options.stay === true; // a worker stopped for good stays down even if killed while draining
    this.ready = false; // from now on no other fault picks it
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  /** Stops it for good: SIGTERM, SIGKILL after 45 s (the worker drains for up to 40 s). */
  async stop(): Promise<void> {
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), 45_000);
    await this.kill('SIGTERM', { stay: true });
    clearTimeout(timer);
  }
}
