// Maps the `ollama.*` settings to what the server receives. Pure: no `vscode` import.
//
// In an untrusted workspace (Restricted Mode) the workspace and folder values of the settings
// that choose where requests go (and what runs) are ignored: only the user's own value counts,
// so a cloned repository cannot send code or the API key to its own server.

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
    /** Only when set by the user: unset lets the server use OLLAMA_TIMEOUT, else 120. */
    timeout?: number;
    verifyTls: boolean;
    /** Only when set: a PEM file of CA certificates. */
    caBundle?: string;
    healthCheckInterval: number;
    modelCacheTtl: number;
    autoPull: boolean;
    keepAlive: string;
    modelKeys: string[];
    diagnostics: { enable: boolean; debounceMs: number };
    inlineCompletion: { enable: boolean; model: string; maxTokens: number; contextLines: number; debounceMs: number };
    apiKey?: string;
}

/** `initializationOptions` of the `initialize` request. */
export interface InitializationOptions {
    ollama: ServerSettings;
}

/** Settings whose workspace values are ignored until the workspace is trusted. */
export const RESTRICTED_SETTINGS: readonly string[] = [
    'baseUrl',
    'fallbackUrls',
    'headers',
    'verifyTls',
    'caBundle',
    'server.path',
    'server.python',
];

export const DEFAULT_SETTINGS: Readonly<ServerSettings> = Object.freeze({
    baseUrl: '',
    fallbackUrls: [],
    headers: {},
    model: '',
    verifyTls: true,
    healthCheckInterval: 30,
    modelCacheTtl: 60,
    autoPull: false,
    keepAlive: '5m',
    modelKeys: [],
    diagnostics: { enable: true, debounceMs: 300 },
    inlineCompletion: { enable: false, model: '', maxTokens: 64, contextLines: 50, debounceMs: 150 },
});

/** The value VS Code would use, except that untrusted workspaces cannot set restricted keys. */
export function effectiveValue<T>(
    key: string,
    inspection: SettingInspection<T> | undefined,
    trusted: boolean,
): T | undefined {
    if (!inspection) {
        return undefined;
    }
    const userOnly = !trusted && RESTRICTED_SETTINGS.includes(key);
    if (!userOnly) {
        if (inspection.workspaceFolderValue !== undefined) return inspection.workspaceFolderValue;
        if (inspection.workspaceValue !== undefined) return inspection.workspaceValue;
    }
    if (inspection.globalValue !== undefined) return inspection.globalValue;
    return inspection.defaultValue;
}

/** True when the workspace sets a restricted key that is being ignored (to tell the user). */
export function ignoredWorkspaceSettings(inspect: InspectSetting, trusted: boolean): string[] {
    if (trusted) return [];
    return RESTRICTED_SETTINGS.filter((key) => {
        const inspection = inspect(key);
        return inspection?.workspaceValue !== undefined || inspection?.workspaceFolderValue !== undefined;
    }).map((key) => `ollama.${key}`);
}

/** The value set by the user or the workspace (Restricted Mode applied), ignoring the default. */
function explicitValue(key: string, inspect: InspectSetting, trusted: boolean): unknown {
    const inspection = inspect(key);
    return inspection ? effectiveValue(key, { ...inspection, defaultValue: undefined }, trusted) : undefined;
}

function read<T>(inspect: InspectSetting, key: string, trusted: boolean, fallback: T, valid: (v: unknown) => boolean): T {
    const value = effectiveValue(key, inspect(key), trusted);
    return valid(value) ? (value as T) : fallback;
}

const isString = (v: unknown): boolean => typeof v === 'string';
const isNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isBoolean = (v: unknown): boolean => typeof v === 'boolean';
const isStringArray = (v: unknown): boolean => Array.isArray(v) && v.every((item) => typeof item === 'string');
const isStringRecord = (v: unknown): boolean =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((item) => typeof item === 'string');

/** The server's settings (no `server.*` keys), with the API key when there is one. */
export function buildServerSettings(inspect: InspectSetting, trusted: boolean, apiKey?: string): ServerSettings {
    const d = DEFAULT_SETTINGS;
    const get = <T>(key: string, fallback: T, valid: (v: unknown) => boolean): T =>
        read(inspect, key, trusted, fallback, valid);
    const settings: ServerSettings = {
        baseUrl: get('baseUrl', d.baseUrl, isString).trim(),
        fallbackUrls: [...get('fallbackUrls', d.fallbackUrls, isStringArray)],
        headers: { ...get('headers', d.headers, isStringRecord) },
        model: get('model', d.model, isString).trim(),
        verifyTls: get('verifyTls', d.verifyTls, isBoolean),
        healthCheckInterval: get('healthCheckInterval', d.healthCheckInterval, isNumber),
        modelCacheTtl: get('modelCacheTtl', d.modelCacheTtl, isNumber),
        autoPull: get('autoPull', d.autoPull, isBoolean),
        keepAlive: get('keepAlive', d.keepAlive, isString),
        modelKeys: [...get('modelKeys', d.modelKeys, isStringArray)],
        diagnostics: {
            enable: get('diagnostics.enable', d.diagnostics.enable, isBoolean),
            debounceMs: get('diagnostics.debounceMs', d.diagnostics.debounceMs, isNumber),
        },
        inlineCompletion: {
            enable: get('inlineCompletion.enable', d.inlineCompletion.enable, isBoolean),
            model: get('inlineCompletion.model', d.inlineCompletion.model, isString).trim(),
            maxTokens: get('inlineCompletion.maxTokens', d.inlineCompletion.maxTokens, isNumber),
            contextLines: get('inlineCompletion.contextLines', d.inlineCompletion.contextLines, isNumber),
            debounceMs: get('inlineCompletion.debounceMs', d.inlineCompletion.debounceMs, isNumber),
        },
    };
    // Sent only when someone set them, so that the server's own fallbacks apply otherwise.
    const timeout = explicitValue('timeout', inspect, trusted);
    if (isNumber(timeout) && (timeout as number) > 0) settings.timeout = timeout as number;
    const caBundle = explicitValue('caBundle', inspect, trusted);
    if (typeof caBundle === 'string' && caBundle.trim()) settings.caBundle = caBundle.trim();
    if (apiKey) {
        settings.apiKey = apiKey;
    }
    return settings;
}

export function buildInitializationOptions(inspect: InspectSetting, trusted: boolean, apiKey?: string): InitializationOptions {
    return { ollama: buildServerSettings(inspect, trusted, apiKey) };
}

/** Settings that pick the server program; they are not sent to the server. */
export interface LaunchSettings {
    serverPath: string;
    python: string;
}

export function buildLaunchSettings(inspect: InspectSetting, trusted: boolean): LaunchSettings {
    return {
        serverPath: read(inspect, 'server.path', trusted, '', isString).trim(),
        python: read(inspect, 'server.python', trusted, '', isString).trim(),
    };
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
