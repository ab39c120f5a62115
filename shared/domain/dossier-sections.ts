/** The dossier's top-level sections, as the draft's history names what a save changed (no dependency: the repository reads it too). */
export const dossierSections = ['project', 'leadAuthority', 'partnerAuthority', 'budget'] as const;
export type DossierSection = (typeof dossierSections)[number];
