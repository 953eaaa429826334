// Which documents the dockwise server handles. Pure: no `vscode` import, so it is unit-tested.

/** Compose file names, as the server recognises them (`^(docker-)?compose.*\.ya?ml$`). */
const COMPOSE_NAME = /^(docker-)?compose.*\.ya?ml$/;
const DOCKERFILE_NAME = /^(Dockerfile|Containerfile)(\..+)?$|\.(dockerfile|containerfile)$/i;

export interface SelectorEntry {
  scheme: string;
  language: string;
  pattern?: string;
}

/** A top-level `services:` or `include:`: the server's test for a Compose file that its
 * name does not identify (`stack.yaml`). */
const COMPOSE_TOP = /^(services|include)[ \t]*:/m;

export function looksLikeCompose(text: string): boolean {
  return COMPOSE_TOP.test(text);
}

/** The language client's document selector: Dockerfiles, Compose files, and every YAML
 * file (the server lints those with a Compose name or a top-level `services:`/`include:`
 * and leaves the others alone). */
export function documentSelector(): SelectorEntry[] {
  const out: SelectorEntry[] = [];
  for (const scheme of ['file', 'untitled']) {
    out.push({ scheme, language: 'dockerfile' });
    out.push({ scheme, language: 'dockercompose' });
  }
  out.push({ scheme: 'file', language: 'yaml' });
  return out;
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? '';
}

export function isComposeName(path: string): boolean {
  return COMPOSE_NAME.test(baseName(path));
}

export function isDockerfileName(path: string): boolean {
  return DOCKERFILE_NAME.test(baseName(path));
}

/** Whether a document (language id + file path + text) is one for dockwise; the extension
 * starts the server on the first such document. */
export function handles(languageId: string, path: string, text = ''): boolean {
  if (languageId === 'dockerfile' || languageId === 'dockercompose') {
    return true;
  }
  if (languageId === 'yaml') {
    return isComposeName(path) || looksLikeCompose(text);
  }
  return false;
}

/** The languageId to report for a document: `dockercompose` for Compose files VS Code
 * opened as `yaml`. */
export function languageIdFor(languageId: string, path: string): string {
  return languageId === 'yaml' && isComposeName(path) ? 'dockercompose' : languageId;
}
