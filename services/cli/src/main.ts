import { runCli } from './cli/cli.program';
import { nodeRuntime } from './cli/node-runtime';

// exitCode, not exit(): stdout is flushed before the process ends (a pipe to jq gets everything).
void runCli(process.argv.slice(2), nodeRuntime()).then((code) => {
  process.exitCode = code;
});
