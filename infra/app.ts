import { buildApp } from './app-builder.ts';
import { ConfigError } from './config.ts';

// `npx cdk synth -c stage=prod -c reviewTimeoutSeconds=600`: the settings are in infra/config.ts.
try {
  buildApp().app.synth();
} catch (error) {
  // A configuration mistake deserves its message, not a stack trace.
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
