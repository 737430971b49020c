import { startCourseRuntime } from '../services/course-runtime';
import { runProcess } from './process';

/** `npm run course`: the course bot and the review desk (long polling), as one production process. */
runProcess('course', ['courseBotToken', 'adminChatId'], ({ config, ...deps }) =>
  startCourseRuntime({
    config,
    ...deps,
    courseToken: config.telegram.courseBotToken!,
    apiRoot: config.telegram.apiRoot,
    salesBot: config.sales.botUsername ?? 'the sales bot',
  }),
);
