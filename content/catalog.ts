import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Sql } from '../db';
import { importCourse } from './import';
import type { ImportResult } from './import';
import { CourseContentError, loadCourseFromDir } from './loader';
import type { CourseDefinition } from './loader';

export const CONTENT_DIR = __dirname;

/** Every folder under content/ with a course.yaml, sorted. */
export function courseDirs(contentDir = CONTENT_DIR): string[] {
  return readdirSync(contentDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(contentDir, entry.name, 'course.yaml')))
    .map((entry) => path.join(contentDir, entry.name))
    .sort();
}

/**
 * Validates every course before writing any, then imports each (one transaction per course). `adjust` lets the local
 * demo run a course at demo pace without touching its files.
 */
export async function importCourses(
  sql: Sql,
  dirs: string[] = courseDirs(),
  adjust: (course: CourseDefinition) => CourseDefinition = (course) => course,
): Promise<ImportResult[]> {
  if (dirs.length === 0) throw new CourseContentError(`No course folders (with a course.yaml) under ${CONTENT_DIR}`);
  const courses: CourseDefinition[] = [];
  for (const dir of dirs) courses.push(adjust(await loadCourseFromDir(dir)));
  const results: ImportResult[] = [];
  for (const course of courses) results.push(await importCourse(sql, course));
  return results;
}
