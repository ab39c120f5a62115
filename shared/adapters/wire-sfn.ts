import type { Config } from '../config/load.ts';
import type { Workflow } from '../ports/index.ts';

/** The workflow over Step Functions (`realPorts({ workflow: stepFunctions })`). */
export async function stepFunctions(config: Config): Promise<Workflow> {
  const [{ SFNClient }, { sfnWorkflow }] = await Promise.all([import('@aws-sdk/client-sfn'), import('./sfn-workflow.ts')]);
  return sfnWorkflow(new SFNClient({ requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000 } }), config.stateMachineArn);
}
