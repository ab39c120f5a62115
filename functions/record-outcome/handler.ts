// PLACEHOLDER: replaced by the real adapter. Exists so that the CDK app can bundle every entry.
export const handler = async (): Promise<never> => {
  throw new Error('not implemented yet');
};
