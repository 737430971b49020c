import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failures keep their message and stack trace in an encoded payload, which the payload codec encrypts like any other
 * (issue #16): an error's message can quote what it failed on. Loaded by path (`failureConverterPath`) in workers and
 * clients and in the workflow bundle, so workflow code, activities and clients all write failures the same way; a
 * failure written in clear before this still reads as it was.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
