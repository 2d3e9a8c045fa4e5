// The process the cold-init benchmark times: loads one handler module the way the Lambda Node.js
// runtime does (require from the task root), optionally invokes it once with an API Gateway event,
// reports its timestamps on file descriptor 3 and exits. Timestamps come from performance.now(),
// which counts from the start of this process, so they include Node's own start-up.
'use strict';

const started = performance.now();
const { writeSync } = require('node:fs');
const { join } = require('node:path');

const [moduleFile, exportName, eventJson] = process.argv.slice(2);

/** Writes the result for the parent and exits at once: open pools must not keep us alive. */
const report = (result) => {
  writeSync(3, JSON.stringify({ started, ...result }));
  process.exit(0);
};

const describe = (error) => (error instanceof Error ? (error.stack ?? error.message) : String(error));

const event = eventJson ? JSON.parse(eventJson) : undefined;
let handler;
try {
  handler = require(join(process.cwd(), moduleFile))[exportName];
} catch (error) {
  report({ error: `loading ${moduleFile} failed: ${describe(error)}` });
}
const loaded = performance.now();
if (typeof handler !== 'function') report({ error: `${moduleFile} exports no function ${exportName}` });
if (event === undefined) report({ loaded });

const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench';
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '1024',
  awsRequestId: 'bench-cold-start',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

Promise.resolve()
  .then(() => handler(event, context))
  .then(
    (response) => {
      const responded = performance.now();
      const statusCode = response?.statusCode;
      // The body only matters when something went wrong; the parent shows it then.
      report({
        loaded,
        responded,
        statusCode,
        ...(statusCode >= 300 ? { body: String(response?.body) } : {}),
      });
    },
    (error) => report({ loaded, error: `the handler threw: ${describe(error)}` }),
  );
