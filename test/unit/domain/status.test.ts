import { describe, expect, it } from 'vitest';
import { allowedSources, canTransition, isFinal } from '../../../shared/domain/status.ts';

describe('status machine', () => {
  it('follows the lifecycle of an application', () => {
    expect(canTransition('SUBMITTED', 'IN_REVIEW')).toBe(true);
    expect(canTransition('SUBMITTED', 'INELIGIBLE')).toBe(true);
    expect(canTransition('IN_REVIEW', 'CHANGES_REQUESTED')).toBe(true);
    expect(canTransition('CHANGES_REQUESTED', 'SUBMITTED')).toBe(true);
    expect(canTransition('CHANGES_REQUESTED', 'WITHDRAWN')).toBe(true);
    expect(canTransition('IN_COMMITTEE', 'APPROVED')).toBe(true);
  });

  it('never skips the review or reopens a decided application', () => {
    expect(canTransition('SUBMITTED', 'APPROVED')).toBe(false);
    expect(canTransition('IN_REVIEW', 'APPROVED')).toBe(false);
    expect(canTransition('APPROVED', 'REJECTED')).toBe(false);
    expect(canTransition('REJECTED', 'SUBMITTED')).toBe(false);
    expect(isFinal('APPROVED')).toBe(true);
    expect(isFinal('IN_REVIEW')).toBe(false);
  });

  it('lets any open application fail into ERROR, but not a closed one', () => {
    expect(allowedSources('ERROR')).toEqual(['SUBMITTED', 'IN_REVIEW', 'CHANGES_REQUESTED', 'IN_COMMITTEE']);
    expect(canTransition('APPROVED', 'ERROR')).toBe(false);
  });
});
