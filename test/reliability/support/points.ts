/** The points of SECURITY.md the reliability suite measures, in the table's order. */
export const POINTS = {
  hostile: 'hostile input',
  duplicates: 'duplicates',
  money: 'money invariant',
  links: 'links',
  faults: 'faults',
  secrets: 'secrets & personal data',
  cloud: 'cloud side',
} as const;
export type Point = keyof typeof POINTS;

export interface Figure {
  point: Point;
  /** What was measured, short: `handler level`, `over HTTP`. */
  label: string;
  /** The figure itself, as printed after its test: `1,150 tried, 0 5xx, 0 writes`. */
  text: string;
  /** What the final table shows of it, a few words (`16 tasks run twice → 0 extra emails`). */
  short?: string;
  /** Numbers the table adds up across the point's figures (`tried`, `5xx`…), in this order. */
  counts?: Record<string, number>;
}
