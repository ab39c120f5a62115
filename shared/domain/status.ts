/** Statuses of an application, exact strings of the API. */
export const statuses = ['SUBMITTED', 'INELIGIBLE', 'IN_REVIEW', 'CHANGES_REQUESTED', 'WITHDRAWN', 'IN_COMMITTEE', 'APPROVED', 'REJECTED', 'ERROR'] as const;
export type Status = (typeof statuses)[number];

const transitions: Readonly<Record<Status, readonly Status[]>> = {
  SUBMITTED: ['INELIGIBLE', 'IN_REVIEW'],
  INELIGIBLE: [],
  IN_REVIEW: ['CHANGES_REQUESTED', 'IN_COMMITTEE'],
  CHANGES_REQUESTED: ['SUBMITTED', 'WITHDRAWN'],
  WITHDRAWN: [],
  IN_COMMITTEE: ['APPROVED', 'REJECTED'],
  APPROVED: [],
  REJECTED: [],
  // An admin may retry a failed workflow from the start.
  ERROR: ['SUBMITTED'],
};

/** Every non-final status may fail into ERROR: no application is ever silently dropped. */
export function canTransition(from: Status, to: Status): boolean {
  if (to === 'ERROR') return !isFinal(from) && from !== 'ERROR';
  return transitions[from].includes(to);
}

/** The statuses allowed before `to`, used as the condition of the single conditional write. */
export function allowedSources(to: Status): Status[] {
  return statuses.filter((from) => canTransition(from, to));
}

export function isFinal(status: Status): boolean {
  return transitions[status].length === 0;
}
