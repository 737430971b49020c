import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES } from '../../config';

const root = path.join(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** There is no Docker engine here: the deployment files are checked for consistency with the code instead. */
describe('deployment files', () => {
  // Read outside config/ on purpose: they locate the Temporal binaries before any config exists.
  const toolVariables = ['TEMPORAL_CLI_PATH', 'TEMPORAL_TEST_SERVER_PATH'];

  it('.env.example and the README name every variable config/ reads', () => {
    const example = read('.env.example');
    const readme = read('README.md');
    for (const name of [...CONFIG_VARIABLES, ...toolVariables]) {
      expect(example, `.env.example lacks ${name}`).toMatch(new RegExp(`^${name}=`, 'm'));
      expect(readme, `README lacks ${name}`).toContain(`\`${name}\``);
    }
  });

  it('docker-compose runs every process of the platform, wired to its Postgres and Temporal', () => {
    const compose = parse(read('docker-compose.yml')) as {
      services: Record<
        string,
        {
          build?: string;
          command?: string[];
          env_file?: string;
          environment?: Record<string, unknown>;
          ports?: string[];
        }
      >;
    };
    const services = compose.services;
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        'postgres',
        'temporal',
        'temporal-schema',
        'temporal-history',
        'temporal-matching',
        'temporal-namespace',
        'temporal-ui',
        'migrate',
        'worker',
        'sales',
        'course',
      ]),
    );
    for (const name of ['worker', 'sales', 'course']) {
      const service = services[name]!;
      expect(service.build, name).toBe('.');
      expect(service.env_file, name).toBe('.env');
      expect(service.environment?.DATABASE_URL, name).toMatch(/@postgres:5432\//);
      expect(service.environment?.TEMPORAL_ADDRESS, name).toBe('temporal:7233');
    }
    expect(services.sales?.command?.join(' ')).toContain('apps/sales.ts');
    expect(services.course?.command?.join(' ')).toContain('apps/course.ts');
    expect(services.sales?.ports).toContain('3000:3000');
    expect(services['temporal-ui']?.ports).toContain('8080:8080');
    // The Temporal cluster's own files are checked in tests/deploy/cluster-config.test.ts.
  });

  it('runs production processes on plain node, so SIGTERM reaches them, and restarts any that exits', () => {
    // The tsx CLI SIGKILLs its child if a signal is not acknowledged within ~60 ms: no draining, sends cut mid-way.
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start', 'worker', 'sales', 'course'])
      expect(scripts[name], name).toMatch(/\bnode --import tsx /);
    expect(read('Dockerfile')).toMatch(/^CMD \["node", "--import", "tsx", "worker\.ts"\]$/m);
    const compose = parse(read('docker-compose.yml')) as {
      services: Record<string, { command?: string[]; restart?: string; stop_grace_period?: string }>;
    };
    for (const name of ['worker', 'sales', 'course']) {
      const service = compose.services[name]!;
      expect(service.restart, name).toBe('unless-stopped');
      if (service.command) expect(service.command.slice(0, 3), name).toEqual(['node', '--import', 'tsx']);
    }
    expect(Number.parseInt(compose.services.worker?.stop_grace_period ?? '10s')).toBeGreaterThan(20);
  });

  it('the monitoring profile scrapes what the platform serves and loads the committed dashboard', () => {
    const compose = parse(read('docker-compose.yml')) as {
      services: Record<string, { profiles?: string[]; volumes?: string[]; environment?: Record<string, string> }>;
      configs: Record<string, { content?: string }>;
    };
    const { prometheus, grafana, worker } = compose.services;
    expect(prometheus?.profiles).toEqual(['monitoring']);
    expect(grafana?.profiles).toEqual(['monitoring']);
    // Every file the two mount is in the repo.
    for (const volume of [...(prometheus?.volumes ?? []), ...(grafana?.volumes ?? [])]) {
      const source = volume.split(':')[0]!;
      expect(() => readFileSync(path.join(root, source)), source).not.toThrow(/ENOENT/);
    }
    expect(compose.configs['business-metrics-token']?.content).toBe('${BUSINESS_METRICS_TOKEN:-}');
    const scrape = parse(read('infra/prometheus/prometheus.yml')) as {
      scrape_configs: {
        job_name: string;
        metrics_path?: string;
        authorization?: { credentials_file: string };
        dns_sd_configs?: { names: string[]; port: number }[];
        static_configs?: { targets: string[] }[];
      }[];
    };
    const jobs = Object.fromEntries(scrape.scrape_configs.map((job) => [job.job_name, job]));
    // The worker's METRICS_ADDRESS port, on every replica; the sales process' HTTP port with the bearer token.
    expect(worker?.environment?.METRICS_ADDRESS).toBe(`0.0.0.0:${jobs.worker?.dns_sd_configs?.[0]?.port}`);
    expect(jobs.worker?.dns_sd_configs?.[0]?.names).toEqual(['worker']);
    expect(jobs.business?.static_configs?.[0]?.targets).toEqual(['sales:3000']);
    expect(jobs.business?.metrics_path).toBe('/metrics');
    expect(jobs.business?.authorization?.credentials_file).toBe('/etc/prometheus/business-metrics-token');
  });

  it('package.json has a script for each production process and the Dockerfile bundles workflows', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts).toMatchObject({
      worker: expect.any(String),
      sales: expect.any(String),
      course: expect.any(String),
    });
    expect(read('Dockerfile')).toContain('bundle-workflows');
  });
});
