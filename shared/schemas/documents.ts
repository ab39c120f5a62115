import * as z from 'zod';
import { documentFormat, documentType } from './call.ts';

/**
 * A request to upload one file (`POST /drafts/{id}/documents`): the call's document type it
 * answers, its name (the file's own: no path, control or bidi character, 255 at most; then tidied
 * before it is kept), its size in
 * bytes and its content type, both checked against the type's rules and again on the stored file.
 */
export const documentRequestSchema = z.strictObject({
  type: documentType,
  filename: z
    .string()
    .min(1, 'nom de fichier requis')
    .max(255, '255 caractères au plus')
    // A browser sends the file's own name: never a path, a control character or a bidi override
    // (which would make `fdp.exe` read as `exe.pdf`). Refused, not quietly rewritten.
    .refine((name) => !/[/\\]/.test(name) && !/^\.\.?$/.test(name), 'un nom de fichier, sans chemin (ni « / », ni « \\ », ni « .. »)')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
    .refine((name) => !/[\u0000-\u001f\u007f-\u009f]/.test(name), 'caractère de contrôle dans le nom de fichier')
    .refine((name) => !/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(name), 'caractère de direction du texte dans le nom de fichier'),
  size: z.number().int('taille en octets entiers').nonnegative('taille négative'),
  contentType: z.string().min(1, 'type de contenu requis').max(255, '255 caractères au plus'),
});
export type DocumentRequest = z.infer<typeof documentRequestSchema>;

/**
 * The draft page's form asking for an upload without JavaScript (`POST /drafts/{id}/documents`,
 * urlencoded): the type, and the format when the type accepts several. The file's name and size
 * are not known before it is sent: storage enforces the type's limit, `complete` reads the rest.
 */
export const documentSlotSchema = z.strictObject({
  type: documentType,
  format: documentFormat.optional(),
});
export type DocumentSlotRequest = z.infer<typeof documentSlotSchema>;
