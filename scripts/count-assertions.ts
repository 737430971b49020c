import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/**
 * Counts the non-null assertions (`x!`) and type assertions (`x as T`, `<T>x`; not `as const`, not `satisfies`) in
 * product code: every tracked .ts file outside tests/, testing/, bench/, node_modules/ and .tools/.
 *
 * Usage: node --import tsx scripts/count-assertions.ts [--list]
 * Prints one row per file that has any, then `non-null assertions: N, as casts: M`; `--list` prints each occurrence
 * as `file:line: text` instead of the table.
 */

/** Top-level folders whose files are not product code. */
const excluded = ['tests/', 'testing/', 'bench/', 'node_modules/', '.tools/'];

/** One assertion found in a file. */
interface Occurrence {
  kind: 'non-null' | 'cast';
  line: number;
  text: string;
}

/** Whether a type assertion is `x as const` (a literal-type hint, not a cast). */
function isAsConst(node: ts.AsExpression | ts.TypeAssertion): boolean {
  return ts.isConstTypeReference(node.type);
}

/** Every non-null assertion and type assertion in one file's source, in source order. */
function findAssertions(fileName: string, source: string): Occurrence[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Occurrence[] = [];
  const record = (kind: Occurrence['kind'], node: ts.Node): void => {
    const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
    found.push({ kind, line, text: node.getText(file).replace(/\s+/g, ' ') });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isNonNullExpression(node)) record('non-null', node);
    else if ((ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) && !isAsConst(node)) record('cast', node);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** The tracked product .ts files, sorted. */
function productFiles(): string[] {
  const tracked = execFileSync('git', ['ls-files', '*.ts'], { encoding: 'utf8' }).split('\n');
  return tracked.filter((path) => path !== '' && !excluded.some((folder) => path.startsWith(folder))).sort();
}

function main(): void {
  const list = process.argv.includes('--list');
  const row = (path: string, nonNull: string | number, casts: string | number): string =>
    `${path.padEnd(48)} ${String(nonNull).padStart(8)} ${String(casts).padStart(8)}`;
  if (!list) console.log(row('file', 'non-null', 'as casts'));
  let nonNull = 0;
  let casts = 0;
  for (const path of productFiles()) {
    const found = findAssertions(path, readFileSync(path, 'utf8'));
    const fileNonNull = found.filter((occurrence) => occurrence.kind === 'non-null').length;
    const fileCasts = found.length - fileNonNull;
    nonNull += fileNonNull;
    casts += fileCasts;
    if (list) for (const { line, text } of found) console.log(`${path}:${line}: ${text}`);
    else if (found.length > 0) console.log(row(path, fileNonNull, fileCasts));
  }
  console.log(`non-null assertions: ${nonNull}, as casts: ${casts}`);
}

main();
