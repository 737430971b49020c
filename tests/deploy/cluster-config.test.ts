import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SearchAttributeType } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ONE_PARTITION } from '../../infra/temporal-dev-server';
import { CLUSTER_FILES, DEFAULT_HISTORY_PROCESSES, readEnvFile } from '../../infra/temporal-cluster';
import { ALL_SEARCH_ATTRIBUTES } from '../../journey/definitions';

const root = path.join(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

interface Service {
  image?: string;
  env_file?: string;
  environment?: Record<string, string | number>;
  volumes?: string[];
  entrypoint?: string[];
  deploy?: { replicas?: number };
}
// Merge keys (`<<: *temporal-server`) as Docker Compose reads them.
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const servers = ['temporal', 'temporal-history', 'temporal-matching', 'temporal-internal-worker'];
const versions = readEnvFile(path.join(root, CLUSTER_FILES.versions));

/** The path inside a container of a repo file, through the service's bind mounts (`./infra/cluster:/etc/...`). */
function mounted(service: Service, repoFile: string): string | undefined {
  for (const volume of service.volumes ?? []) {
    const [source, target] = volume.split(':');
    const dir = path.normalize(source!).replace(/^\.\//, '');
    if (repoFile.startsWith(`${dir}/`)) return `${target}/${repoFile.slice(dir.length + 1)}`;
  }
  return undefined;
}

/**
 * docker-compose.yml and `npm run cluster` (infra/temporal-cluster.ts) run the same Temporal cluster: one set of
 * files in infra/cluster/ says which versions, which schema steps, which server settings, dynamic config and search
 * attributes. There is no Docker engine here, so the compose side is checked by reading it.
 */
describe('the cluster configuration compose and npm run cluster share', () => {
  it('pins the same server and UI versions', () => {
    for (const name of servers)
      expect(services[name]?.image, name).toBe(`temporalio/server:${versions.TEMPORAL_SERVER_VERSION}`);
    for (const name of ['temporal-schema', 'temporal-namespace'])
      expect(services[name]?.image, name).toBe(`temporalio/admin-tools:${versions.TEMPORAL_SERVER_VERSION}`);
    expect(services['temporal-ui']?.image).toBe(`temporalio/ui:${versions.TEMPORAL_UI_VERSION}`);
    expect(read('scripts/install-temporal-server.sh')).toContain(`source ${CLUSTER_FILES.versions}`);
  });

  it('sets up the schemas and the namespace with the same scripts', () => {
    const schema = services['temporal-schema']!;
    expect(schema.entrypoint).toEqual(['sh', mounted(schema, CLUSTER_FILES.setupSchema)]);
    expect(schema.env_file).toBe(CLUSTER_FILES.serverEnv);
    const namespace = services['temporal-namespace']!;
    expect(namespace.entrypoint).toEqual(['sh', mounted(namespace, CLUSTER_FILES.registerNamespace)]);
    // register-namespace.sh reads the attribute list beside itself.
    expect(mounted(namespace, CLUSTER_FILES.searchAttributes)).toBeDefined();
  });

  it('runs every server process on the same settings and dynamic config, two history processes', () => {
    const shared = Object.keys(readEnvFile(path.join(root, CLUSTER_FILES.serverEnv)));
    expect(shared).toEqual(expect.arrayContaining(['DB', 'DBNAME', 'VISIBILITY_DBNAME', 'NUM_HISTORY_SHARDS']));
    for (const name of servers) {
      const service = services[name]!;
      expect(service.env_file, name).toBe(CLUSTER_FILES.serverEnv);
      // Compose adds only where Postgres is and which service runs; it overrides none of the shared settings.
      const own = Object.keys(service.environment ?? {});
      expect(
        own.filter((key) => shared.includes(key)),
        name,
      ).toEqual([]);
      expect(service.environment?.DYNAMIC_CONFIG_FILE_PATH, name).toBe(mounted(service, CLUSTER_FILES.dynamicConfig));
    }
    expect(services['temporal-history']?.deploy?.replicas).toBe(DEFAULT_HISTORY_PROCESSES);
    expect(servers.map((name) => services[name]?.environment?.TEMPORAL_SERVICES)).toEqual([
      'frontend',
      'history',
      'matching',
      'worker',
    ]);
  });

  it('gives task queues one partition, as the dev server of npm start and the tests has', () => {
    const dynamic = parse(read(CLUSTER_FILES.dynamicConfig)) as Record<string, { value: unknown }[]>;
    const devServer = Object.fromEntries(
      ONE_PARTITION.filter((arg) => arg.includes('=')).map((arg) => arg.split('=') as [string, string]),
    );
    for (const [key, value] of Object.entries(devServer)) expect(dynamic[key]?.[0]?.value, key).toBe(Number(value));
  });

  it('registers exactly the search attributes the journeys set', () => {
    const cliType: Record<string, string> = {
      [SearchAttributeType.KEYWORD]: 'Keyword',
      [SearchAttributeType.INT]: 'Int',
      [SearchAttributeType.BOOL]: 'Bool',
      [SearchAttributeType.DATETIME]: 'Datetime',
    };
    const listed = read(CLUSTER_FILES.searchAttributes)
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .sort();
    expect(listed).toEqual(ALL_SEARCH_ATTRIBUTES.map((key) => `${key.name} ${cliType[key.type]}`).sort());
  });
});
