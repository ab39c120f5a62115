import * as z from 'zod';
import { documentType } from './call.ts';

/**
 * A request to upload one file (`POST /drafts/{id}/documents`): the call's document type it
 * answers, its name (sanitised before it is kept: any string is taken, up to a bound), its size in
 * bytes and its content type, both checked against the type's rules and again on the stored file.
 */
export const documentRequestSchema = z.strictObject({
  type: documentType,
  filename: z.string().min(1, 'nom de fichier requis').max(1024, '1024 caractères au plus'),
  size: z.number().int('taille en octets entiers').nonnegative('taille négative'),
  contentType: z.string().min(1, 'type de contenu requis').max(255, '255 caractères au plus'),
});
export type DocumentRequest = z.infer<typeof documentRequestSchema>;
