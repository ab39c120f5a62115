import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError } from './target.ts';

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
