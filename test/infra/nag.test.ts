import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app-builder.ts';
import { inTempDir } from './synth.ts';

// cdk-nag 3 is a validation plugin: app.synth() throws when any finding is left unacknowledged.
describe('cdk-nag AwsSolutions checks', () => {
  it.each(['dev', 'prod'])('find nothing unacknowledged in %s', (stage) => {
    inTempDir((outdir) => {
      const { app, stateless } = buildApp({ stage, bundling: false, nag: true, outdir });
      const assembly = app.synth();
      // In prod, APIG3 passes because a web ACL really protects the stage (dev acknowledges it).
      const types = Object.values(assembly.getStackArtifact(stateless.artifactId).template.Resources).map((r) => (r as { Type: string }).Type);
      expect(types.includes('AWS::WAFv2::WebACLAssociation')).toBe(stage === 'prod');
    });
  });

  it('are really on: a resource nobody acknowledged fails the synthesis', () => {
    inTempDir((outdir) => {
      const { app, stateless } = buildApp({ stage: 'dev', bundling: false, nag: true, outdir });
      new Bucket(stateless, 'Unreviewed');
      expect(() => app.synth()).toThrow(/AwsSolutions-S1\b/);
    });
  });
});
