// The settings sent to the server. Pure: no `vscode` import, so it is unit-tested.

/** Editor settings the server understands (camelCase of the TOML keys; the list in
 * server/dockwise/config.py SETTINGS). Client-only settings (`path`, `interpreter`,
 * `trace.server`) are never sent: the server rejects unknown keys. */
export const SERVER_SETTINGS = [
  'select',
  'extendSelect',
  'ignore',
  'severity',
  'failLevel',
  'exclude',
  'trustedRegistries',
  'registryLookup',
  'minDockerfileSyntax',
  'minComposeVersion',
  'composeTarget',
  'composeFiles',
  'docsBaseUrl',
  'rules',
] as const;

export type ServerSetting = (typeof SERVER_SETTINGS)[number];

/** What `WorkspaceConfiguration.inspect(key)` gives (the fields used here). */
export interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
  globalLanguageValue?: unknown;
  workspaceLanguageValue?: unknown;
  workspaceFolderLanguageValue?: unknown;
}

/** Only the settings the user set explicitly (defaults stay unset so that the project's
 * `.dockwise.toml` / `[tool.dockwise]` applies), most specific scope first. */
export function explicitSettings(inspect: (key: ServerSetting) => Inspected | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SERVER_SETTINGS) {
    const i = inspect(key);
    if (!i) {
      continue;
    }
    const value = [i.workspaceFolderLanguageValue, i.workspaceFolderValue, i.workspaceLanguageValue,
      i.workspaceValue, i.globalLanguageValue, i.globalValue].find((v) => v !== undefined && v !== null);
    if (value !== undefined) {
      out[key] = value;
    }
  }
  return out;
}
