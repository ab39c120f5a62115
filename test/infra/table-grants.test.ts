import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_SCHEMA } from '../../shared/adapters/table-keys.ts';
import { FUNCTIONS, type FunctionName, functionNames } from '../../shared/catalogue/functions.ts';
import { type CfnTemplate, entriesByLogicalId, functionNameOf, synthesize } from './synth.ts';
import { tableUseOf } from './support/table-use.ts';

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
}

let template: CfnTemplate;
/** Function name → the statements of its role's policies. */
const statements = new Map<string, Statement[]>();

const dynamoStatements = (name: string) => (statements.get(name) ?? []).filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
const dynamoActions = (name: string) =>
  new Set(
    dynamoStatements(name)
      .flatMap((s) => [s.Action].flat())
      .filter((a) => a.startsWith('dynamodb:')),
  );
const sorted = (set: Iterable<string>) => [...set].sort();

beforeAll(() => {
  template = synthesize().statelessJson;
  const policies = Object.values(template.Resources).filter((r) => r.Type === 'AWS::IAM::Policy');
  for (const [logicalId, entry] of entriesByLogicalId(template)) {
    const role = template.Resources[logicalId]?.Properties?.Role['Fn::GetAtt'][0] as string;
    statements.set(
      functionNameOf(entry),
      policies.filter((p) => p.Properties?.Roles.some((r: { Ref: string }) => r.Ref === role)).flatMap((p) => p.Properties?.PolicyDocument.Statement),
    );
  }
});

describe('DynamoDB grants: each function holds the actions its code may send, no other', () => {
  it.each(functionNames)('%s', (name: FunctionName) => {
    const used = tableUseOf(name);
    const declared = (FUNCTIONS[name] as { table?: readonly string[] }).table ?? [];
    // The declaration says what the code does: nothing more (least privilege), nothing less (AccessDenied).
    expect(sorted(declared), `${name} calls ${sorted(used.methods).join(', ')}`).toEqual(sorted(used.actions));
    // And the role holds exactly the declaration.
    expect(sorted(dynamoActions(name))).toEqual(sorted(declared.map((a) => `dynamodb:${a}`)));
  });

  it('finds what the repository does for the functions whose use is known by heart', () => {
    // The analysis itself: a read-only page reads, the submission deletes only to undo, no task scans.
    expect(sorted(tableUseOf('list-calls').methods)).toEqual(['listCalls']);
    expect(tableUseOf('show-task').actions).toEqual(new Set(['GetItem', 'Query']));
    expect(tableUseOf('submit-application').methods).toContain('deleteApplication');
    expect(tableUseOf('health').methods.size).toBe(0);
    expect(tableUseOf('award-grant').methods).toContain('reserveGrant');
  });

  it('grants no Scan, no batch action, no DescribeTable and no wildcard to any function', () => {
    for (const name of functionNames) {
      for (const action of dynamoActions(name)) expect(action, name).toMatch(/^dynamodb:(GetItem|Query|PutItem|UpdateItem|DeleteItem)$/);
      for (const s of dynamoStatements(name)) expect(JSON.stringify(s.Resource), name).not.toContain('*');
    }
  });

  it('grants Query on the table and on its index by name; item actions on the table only', () => {
    for (const name of functionNames) {
      for (const s of dynamoStatements(name)) {
        const resources = [s.Resource].flat().map((r) => JSON.stringify(r));
        const onIndex = resources.filter((r) => r.includes('/index/'));
        if ([s.Action].flat().includes('dynamodb:Query')) {
          expect([s.Action].flat(), name).toEqual(['dynamodb:Query']);
          expect(resources, name).toHaveLength(2);
          expect(onIndex, name).toEqual([expect.stringContaining(`/index/${TABLE_SCHEMA.gsi1.indexName}`)]);
        } else {
          expect(onIndex, name).toEqual([]);
          expect(resources, name).toHaveLength(1);
        }
      }
    }
  });
});
