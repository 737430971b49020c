import postgres from 'postgres';

export type Sql = postgres.Sql;

/**
 * The one way the app connects to Postgres. Rows come back camelCased; int8 columns (ids, amounts, Telegram ids)
 * are parsed as numbers, which is exact for every value below 2^53, far beyond any of them.
 */
export function createSql(databaseUrl: string, options: { max?: number } = {}): Sql {
  return postgres(databaseUrl, {
    max: options.max ?? 10,
    transform: postgres.camel,
    onnotice: () => {},
    types: {
      bigint: {
        to: 20,
        from: [20],
        serialize: (value: number) => String(value),
        parse: (value: string) => Number(value),
      },
    },
  });
}

/** The same server URL pointing at another database. */
export function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
