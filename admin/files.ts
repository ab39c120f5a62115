import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse as parseYaml } from 'yaml';
import { UsageError } from './target.ts';
import type { DocumentFolder, FolderFile } from './use-cases/documents.ts';

/**
 * A definition file, JSON or YAML: by its extension (`.json`, `.yaml`, `.yml`), else JSON if it
 * parses as JSON, else YAML. Errors name the file and the line.
 */
export async function readDefinition(file: string, cwd: string): Promise<unknown> {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot be read (${code ?? 'error'})`);
  }
  text = text.replace(/^\uFEFF/, '');
  const ext = extname(path).toLowerCase();
  const asJson = () => JSON.parse(text) as unknown;
  // YAML 1.2 core schema: dates stay strings, as the schemas expect.
  const asYaml = () => parseYaml(text, { prettyErrors: true }) as unknown;
  try {
    if (ext === '.json') return asJson();
    if (ext === '.yaml' || ext === '.yml') return asYaml();
    try {
      return asJson();
    } catch {
      return asYaml();
    }
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    throw new UsageError(`${file}: not valid ${ext === '.json' ? 'JSON' : ext ? 'YAML' : 'JSON or YAML'} (${message})`);
  }
}

/**
 * A folder of the local file system (created if needed) for fetched documents. A new file is
 * created exclusively (`wx`: a file that appears meanwhile is never overwritten); a replaced one is
 * written beside it under a temporary name and renamed over it once complete, so an interrupted
 * download never leaves half a file where a whole one was.
 */
export async function localFolder(folder: string, cwd: string): Promise<DocumentFolder> {
  const path = resolve(cwd, folder);
  await mkdir(path, { recursive: true });
  return {
    label: path,
    async create(name, { replace }): Promise<FolderFile | undefined> {
      // The use case names files; a name with a path in it would be a bug, never a way out of the folder.
      if (basename(name) !== name || name === '.' || name === '..') throw new Error(`not a file name: ${JSON.stringify(name)}`);
      const final = join(path, name);
      const temporary = join(path, `.${name}.${process.pid}.part`);
      const written = replace ? temporary : final;
      let stream: ReturnType<typeof createWriteStream>;
      try {
        stream = createWriteStream(written, { flags: 'wx' });
        await new Promise<void>((done, failed) => stream.once('open', () => done()).once('error', failed));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST' && !replace) return undefined;
        throw error;
      }
      return {
        async fill(body) {
          await pipeline(Readable.from(body), stream);
          if (replace) await rename(temporary, final);
        },
        async discard() {
          stream.destroy();
          await rm(written, { force: true });
        },
      };
    },
  };
}
