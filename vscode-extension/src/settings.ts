// Maps the `ollama.*` settings to what the server receives. Pure: no `vscode` import.
//
// Defaults are not copied here: they are package.json's (`inspect().defaultValue`, which VS Code
// takes from `contributes.configuration`), and test/unit/settingsDefaults.test.ts holds
// package.json's defaults equal to the server's (test/unit/settings-defaults.snapshot.json, written
// by a Python test from server/ollama_ls/lsp/settings.py).
//
// In an untrusted workspace (Restricted Mode) the workspace and folder values of the settings
// that choose where requests go, what runs, and what traffic, downloads or load they cause are
// ignored: only the user's own value counts, so a cloned repository can neither send code or the
// API key to its own server nor make Ollama pull, load or poll on its behalf.

/** What `WorkspaceConfiguration.inspect(key)` returns (the parts we use). */
export interface SettingInspection<T = unknown> {
    defaultValue?: T;
    globalValue?: T;
    workspaceValue?: T;
    workspaceFolderValue?: T;
}

/** Reads one setting below `ollama.`, e.g. `inspect('inlineCompletion.enable')`. */
export type InspectSetting = (key: string) => SettingInspection | undefined;

/** Settings sent to the server, camelCase, nested like VS Code's `getConfiguration('ollama')`. */
export interface ServerSettings {
    baseUrl: string;
    fallbackUrls: string[];
    headers: Record<string, string>;
    model: string;
    /** null: the server uses OLLAMA_TIMEOUT, else 120. */
    timeout: number | null;
    /** Seconds to wait for a generation's first chunk (a cold model loads first). */
    firstTokenTimeout: number;
    verifyTls: boolean;
    /** A PEM file of CA certificates; null or empty: the system's. */
    caBundle: string | null;
    healthCheckInterval: number;
    modelCacheTtl: number;
    autoPull: boolean;
    /** A Go duration or seconds; null or empty: Ollama's own default. */
    keepAlive: string | number | null;
    /** `options.num_ctx` for generation and ghost text; null: the model's or Ollama's default. */
    contextLength: number | null;
    /** Thinking for models that can; null: the model's default. */
    think: boolean | 'low' | 'medium' | 'high' | null;
    modelKeys: string[];
    diagnostics: { enable: boolean; debounceMs: number };
    scan: { disable: string[]; excludeFiles: string[] };
    inlineCompletion: { enable: boolean; model: string; maxTokens: number; contextLines: number; debounceMs: number };
    apiKey?: string;
}

/** `initializationOptions` of the `initialize` request. */
export interface InitializationOptions {
    ollama: ServerSettings;
}

/**
 * Settings whose workspace values are ignored until the workspace is trusted (only the user's own
 * value or the default counts). Kept equal to package.json's
 * `capabilities.untrustedWorkspaces.restrictedConfigurations` (a unit test checks).
 */
export const RESTRICTED_SETTINGS: readonly string[] = [
    // Where requests go, with which credentials, and what runs.
    'baseUrl',
    'fallbackUrls',
    'headers',
    'verifyTls',
    'caBundle',
    'server.path',
    'server.python',
    // What causes traffic, downloads or load on the Ollama machine: a cloned repository could
    // otherwise start a multi-GB pull (autoPull + model), load a huge model or context into
    // memory and keep it there (model, contextLength, keepAlive), hold requests open (timeout,
    // firstTokenTimeout),
    // poll Ollama many times a second (healthCheckInterval, modelCacheTtl), make every answer a
    // long one (think), or send a generation on every keystroke (inlineCompletion.*).
    'autoPull',
    'model',
    'keepAlive',
    'timeout',
    'firstTokenTimeout',
    'healthCheckInterval',
    'modelCacheTtl',
    'contextLength',
    'think',
    'inlineCompletion.enable',
    'inlineCompletion.model',
    'inlineCompletion.maxTokens',
    'inlineCompletion.contextLines',
    'inlineCompletion.debounceMs',
];

/** What a workspace may still set in Restricted Mode: what is shown, never what is requested. */
export const WORKSPACE_SAFE_SETTINGS: readonly string[] = ['modelKeys', 'diagnostics.enable', 'diagnostics.debounceMs', 'scan.disable', 'scan.excludeFiles'];

const isString = (v: unknown): boolean => typeof v === 'string';
const isNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isBoolean = (v: unknown): boolean => typeof v === 'boolean';
const isStringArray = (v: unknown): boolean => Array.isArray(v) && v.every((item) => typeof item === 'string');
const isStringRecord = (v: unknown): boolean =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((item) => typeof item === 'string');
const orNull = (check: (v: unknown) => boolean) => (v: unknown): boolean => v === null || check(v);

/**
 * Every server setting below `ollama.` (as in package.json and the server's `Settings`), with
 * the shape of value sent. A value of another shape is replaced by the default.
 */
const SERVER_SETTINGS: Readonly<Record<string, (v: unknown) => boolean>> = {
    baseUrl: isString,
    fallbackUrls: isStringArray,
    headers: isStringRecord,
    model: isString,
    timeout: orNull((v) => isNumber(v) && (v as number) > 0),
    firstTokenTimeout: (v) => isNumber(v) && (v as number) > 0,
    verifyTls: isBoolean,
    caBundle: orNull(isString),
    healthCheckInterval: isNumber,
    modelCacheTtl: isNumber,
    autoPull: isBoolean,
    keepAlive: orNull((v) => isString(v) || isNumber(v)),
    contextLength: orNull((v) => isNumber(v) && (v as number) >= 256),
    think: orNull((v) => isBoolean(v) || v === 'low' || v === 'medium' || v === 'high'),
    modelKeys: isStringArray,
    'diagnostics.enable': isBoolean,
    'diagnostics.debounceMs': isNumber,
    'scan.disable': isStringArray,
    'scan.excludeFiles': isStringArray,
    'inlineCompletion.enable': isBoolean,
    'inlineCompletion.model': isString,
    'inlineCompletion.maxTokens': isNumber,
    'inlineCompletion.contextLines': isNumber,
    'inlineCompletion.debounceMs': isNumber,
};

/** The server settings' keys below `ollama.`, e.g. `inlineCompletion.enable`. */
export const SERVER_SETTING_KEYS: readonly string[] = Object.keys(SERVER_SETTINGS);

/** Values the server would read with spaces around them as something else. */
const TRIMMED: ReadonlySet<string> = new Set(['baseUrl', 'model', 'caBundle', 'inlineCompletion.model']);

/** Where a setting's value comes from: VS Code's order, folder > workspace > user > default. */
export type SettingLevel = 'workspaceFolder' | 'workspace' | 'user' | 'default';

/** The level whose value VS Code would use, except that untrusted workspaces cannot set
 * restricted keys; undefined when no level has a value. */
export function effectiveLevel(key: string, inspection: SettingInspection | undefined, trusted: boolean): SettingLevel | undefined {
    if (!inspection) return undefined;
    const userOnly = !trusted && RESTRICTED_SETTINGS.includes(key);
    if (!userOnly) {
        if (inspection.workspaceFolderValue !== undefined) return 'workspaceFolder';
        if (inspection.workspaceValue !== undefined) return 'workspace';
    }
    if (inspection.globalValue !== undefined) return 'user';
    if (inspection.defaultValue !== undefined) return 'default';
    return undefined;
}

/** The value VS Code would use, except that untrusted workspaces cannot set restricted keys. */
export function effectiveValue<T>(key: string, inspection: SettingInspection<T> | undefined, trusted: boolean): T | undefined {
    const level = effectiveLevel(key, inspection, trusted);
    if (!inspection || !level) return undefined;
    const values: Record<SettingLevel, T | undefined> = {
        workspaceFolder: inspection.workspaceFolderValue,
        workspace: inspection.workspaceValue,
        user: inspection.globalValue,
        default: inspection.defaultValue,
    };
    return values[level];
}

/** True when the workspace sets a restricted key that is being ignored (to tell the user). */
export function ignoredWorkspaceSettings(inspect: InspectSetting, trusted: boolean): string[] {
    if (trusted) return [];
    return RESTRICTED_SETTINGS.filter((key) => {
        const inspection = inspect(key);
        return inspection?.workspaceValue !== undefined || inspection?.workspaceFolderValue !== undefined;
    }).map((key) => `ollama.${key}`);
}

/** A copy the caller may change (VS Code hands out frozen objects). */
function copy(value: unknown): unknown {
    return typeof value === 'object' && value !== null ? JSON.parse(JSON.stringify(value)) : value;
}

/**
 * The server's settings (no `server.*` keys), with the API key when there is one. Each is the
 * effective value (Restricted Mode applied), else package.json's default when the value has the
 * wrong shape; a key with neither is left out, so the server uses its own default.
 */
export function buildServerSettings(inspect: InspectSetting, trusted: boolean, apiKey?: string): ServerSettings {
    const settings: Record<string, unknown> = {};
    for (const [key, valid] of Object.entries(SERVER_SETTINGS)) {
        const inspection = inspect(key);
        let value = effectiveValue(key, inspection, trusted);
        if (!valid(value)) value = inspection?.defaultValue;
        if (!valid(value)) continue;
        if (TRIMMED.has(key) && typeof value === 'string') value = value.trim();
        const parts = key.split('.');
        let section = settings;
        for (const part of parts.slice(0, -1)) {
            section = (section[part] ??= {}) as Record<string, unknown>;
        }
        section[parts[parts.length - 1]] = copy(value);
    }
    if (apiKey) settings.apiKey = apiKey;
    return settings as unknown as ServerSettings;
}

export function buildInitializationOptions(inspect: InspectSetting, trusted: boolean, apiKey?: string): InitializationOptions {
    return { ollama: buildServerSettings(inspect, trusted, apiKey) };
}

/** Settings that pick the server program; they are not sent to the server. */
export interface LaunchSettings {
    serverPath: string;
    python: string;
    /** Where each was set: a relative path is taken from that level's folder (see folders.ts). */
    serverPathLevel?: SettingLevel;
    pythonLevel?: SettingLevel;
}

export function buildLaunchSettings(inspect: InspectSetting, trusted: boolean): LaunchSettings {
    const read = (key: string): [string, SettingLevel | undefined] => {
        const inspection = inspect(key);
        const value = effectiveValue(key, inspection, trusted);
        return typeof value === 'string' && value.trim() ? [value.trim(), effectiveLevel(key, inspection, trusted)] : ['', undefined];
    };
    const [serverPath, serverPathLevel] = read('server.path');
    const [python, pythonLevel] = read('server.python');
    return { serverPath, python, serverPathLevel, pythonLevel };
}

/** Answers a `workspace/configuration` item for a section at or below `ollama`, else undefined. */
export function configurationForSection(section: string | undefined, settings: ServerSettings): unknown {
    if (section === 'ollama') {
        return settings;
    }
    if (!section || !section.startsWith('ollama.')) {
        return undefined;
    }
    let value: unknown = settings;
    for (const part of section.slice('ollama.'.length).split('.')) {
        if (typeof value !== 'object' || value === null) return null;
        value = (value as Record<string, unknown>)[part];
    }
    return value === undefined ? null : value;
}

/**
 * The answers to a `workspace/configuration` request: each `ollama` item from the settings of
 * its own `scopeUri` (a document or folder; none: the primary folder), other sections as the
 * client answered them. `settingsFor` is called once per distinct scope.
 */
export function answerConfigurationItems(
    items: ReadonlyArray<{ section?: string; scopeUri?: string }>,
    clientAnswers: readonly unknown[],
    settingsFor: (scopeUri: string | undefined) => ServerSettings,
): unknown[] {
    const byScope = new Map<string | undefined, ServerSettings>();
    return items.map((item, index) => {
        if (item.section !== 'ollama' && !item.section?.startsWith('ollama.')) return clientAnswers[index];
        let settings = byScope.get(item.scopeUri);
        if (!settings) {
            settings = settingsFor(item.scopeUri);
            byScope.set(item.scopeUri, settings);
        }
        return configurationForSection(item.section, settings);
    });
}
