import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionName, functionNames } from '../../shared/catalogue/functions.ts';
import { type CfnTemplate, entriesByLogicalId, functionNameOf, synthesize } from './synth.ts';

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
  Condition?: unknown;
}

/** Function name → its role's S3 statements and its environment, in a stage with and without scanning. */
type Seen = Map<string, { s3: Statement[]; env: Record<string, unknown> }>;

function read(template: CfnTemplate): Seen {
  const seen: Seen = new Map();
  const policies = Object.values(template.Resources).filter((r) => r.Type === 'AWS::IAM::Policy');
  for (const [logicalId, entry] of entriesByLogicalId(template)) {
    const fn = template.Resources[logicalId];
    const role = fn?.Properties?.Role['Fn::GetAtt'][0] as string;
    const statements: Statement[] = policies
      .filter((p) => p.Properties?.Roles.some((r: { Ref: string }) => r.Ref === role))
      .flatMap((p) => p.Properties?.PolicyDocument.Statement);
    seen.set(functionNameOf(entry), {
      s3: statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:'))),
      env: fn?.Properties?.Environment?.Variables ?? {},
    });
  }
  return seen;
}

let dev: Seen;
let prod: Seen;
beforeAll(() => {
  dev = read(synthesize({ stage: 'dev' }).statelessJson);
  prod = read(synthesize({ stage: 'prod' }).statelessJson);
});

const actions = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat()).sort();
const declared = (name: FunctionName) => (FUNCTIONS[name] as { documents?: 'read' | 'write' | 'remove' }).documents;

/** The S3 actions each command of the adapter needs (a HeadObject is authorised as GetObject). */
const NEEDS: Record<string, string[]> = {
  HeadObject: ['s3:GetObject'],
  GetObject: ['s3:GetObject'],
  GetObjectTagging: ['s3:GetObjectTagging'],
  ListObjectVersions: ['s3:ListBucketVersions'],
  DeleteObjects: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
};

describe('S3 grants: each function holds what its documents declaration says, no other', () => {
  it('gives the documents port to draft-documents (write), show-draft and show-task (read), record-scan (remove), and no other function', () => {
    const withDocuments = functionNames.filter((n) => declared(n) !== undefined);
    expect(Object.fromEntries(withDocuments.map((n) => [n, declared(n)]))).toEqual({
      'draft-documents': 'write',
      'show-draft': 'read',
      'show-task': 'read',
      'record-scan': 'remove',
    });
    for (const name of functionNames) {
      const seen = dev.get(name);
      expect((FUNCTIONS[name].ports as readonly string[]).includes('documents'), name).toBe(declared(name) !== undefined);
      if (declared(name) === undefined) {
        expect(seen?.s3, name).toEqual([]);
        expect(Object.keys(seen?.env ?? {}), name).not.toContain('DOCUMENTS_BUCKET');
      }
    }
  });

  it.each(['show-draft', 'show-task'] as const)('%s may only read objects under applications/', (name) => {
    for (const stage of [dev, prod]) {
      const { s3, env } = stage.get(name) ?? { s3: [], env: {} };
      expect(actions(s3)).toEqual(['s3:GetObject']);
      expect(JSON.stringify(s3[0]?.Resource)).toMatch(/-DocumentsBucketArn"\},"\/applications\/\*"\]/);
      expect(env).toMatchObject({ DOCUMENTS_BUCKET: expect.anything() });
    }
    expect(dev.get(name)?.env.DOCUMENTS_SCANNED).toBe('false');
    expect(prod.get(name)?.env.DOCUMENTS_SCANNED).toBe('true');
  });

  it('record-scan may only delete every version of an object under applications/: no read, no upload, no tags', () => {
    for (const stage of [dev, prod]) {
      const { s3, env } = stage.get('record-scan') ?? { s3: [], env: {} };
      expect(actions(s3)).toEqual(['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:ListBucketVersions']);
      const list = s3.find((s) => [s.Action].flat().includes('s3:ListBucketVersions'));
      expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': 'applications/*' } });
      expect(env).toMatchObject({ DOCUMENTS_BUCKET: expect.anything() });
    }
  });

  it('draft-documents may presign uploads, inspect, and delete every version, under applications/ only; tags only where scanned', () => {
    const objectActions = ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:GetObject', 's3:PutObject'];
    expect(actions(dev.get('draft-documents')?.s3 ?? [])).toEqual([...objectActions, 's3:ListBucketVersions'].sort());
    expect(actions(prod.get('draft-documents')?.s3 ?? [])).toEqual([...objectActions, 's3:GetObjectTagging', 's3:ListBucketVersions'].sort());
    for (const s of prod.get('draft-documents')?.s3 ?? []) {
      if ([s.Action].flat().includes('s3:ListBucketVersions')) {
        expect(s.Condition).toEqual({ StringLike: { 's3:prefix': 'applications/*' } });
        expect(JSON.stringify(s.Resource)).not.toContain('/');
      } else {
        expect(JSON.stringify(s.Resource)).toContain('/applications/*');
      }
    }
    expect(prod.get('draft-documents')?.env.DOCUMENTS_SCANNED).toBe('true');
  });

  it('covers every command the adapter sends, in a stage that scans', () => {
    const source = readFileSync(join(import.meta.dirname, '..', '..', 'shared', 'adapters', 's3-document-store.ts'), 'utf8');
    const sent = [...new Set([...source.matchAll(/new (\w+)Command\(/g)].map((m) => m[1] as string))].sort();
    expect(sent).toEqual(Object.keys(NEEDS).sort());
    const granted = new Set(actions(prod.get('draft-documents')?.s3 ?? []));
    for (const command of sent) for (const action of NEEDS[command] ?? []) expect(granted, command).toContain(action);
    // The presigned POST is checked by S3 against the signer's right to PutObject.
    expect(granted).toContain('s3:PutObject');
  });
});
