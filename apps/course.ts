import { loadCourseConfig } from '../config';
import { startCourseRuntime } from './course-runtime';
import { runProcess } from './process';

/** `npm run course`: the course bot and the review desk (long polling or webhook), as one production process. */
runProcess('course', loadCourseConfig, (deps) =>
  startCourseRuntime({ ...deps, salesBot: deps.config.salesBotUsername ?? 'the sales bot' }),
);
