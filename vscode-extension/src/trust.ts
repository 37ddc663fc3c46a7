// pure: Restricted Mode on the server's side. settings.ts already leaves the workspace's values
// of the restricted settings out of what is sent; this tells the server, in initializationOptions,
// that the workspace is not trusted, so it also keeps later pushes and pulls to its own list of
// project-safe keys (PROJECT_SAFE_KEYS in server/ollama_ls/lsp/settings.py, whose TRUST_KEY is
// `trustProjectSettings`, read only from `initializationOptions.ollama`).
import { buildInitializationOptions, InitializationOptions, InspectSetting, RESTRICTED_SETTINGS, ServerSettings } from './settings';

/** The server's switch (TRUST_KEY in server/ollama_ls/lsp/settings.py). */
export const TRUST_KEY = 'trustProjectSettings';

export interface TrustedInitializationOptions extends InitializationOptions {
    ollama: ServerSettings & { [TRUST_KEY]?: false };
}

/** initializationOptions: `{ollama: {...settings}}`, plus `trustProjectSettings: false` in an
 * untrusted workspace (absent when trusted: the server then trusts later settings). */
export function buildTrustedInitializationOptions(inspect: InspectSetting, trusted: boolean, apiKey?: string): TrustedInitializationOptions {
    const options = buildInitializationOptions(inspect, trusted, apiKey);
    return trusted ? options : { ollama: { ...options.ollama, [TRUST_KEY]: false } };
}

function valueAt(settings: ServerSettings, key: string): unknown {
    let value: unknown = settings;
    for (const part of key.split('.')) {
        value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
    }
    return value;
}

/**
 * The restricted settings (sent to the server, so not `server.*`) whose value differs between
 * what the server got at `initialize` and `now`. In an untrusted workspace the server keeps its
 * first values of these (it cannot tell the user's change from the workspace's), so the
 * extension restarts it instead of pushing them.
 */
export function changedRestrictedSettings(sent: ServerSettings, now: ServerSettings): string[] {
    return RESTRICTED_SETTINGS.filter((key) => !key.startsWith('server.')).filter(
        (key) => JSON.stringify(valueAt(sent, key)) !== JSON.stringify(valueAt(now, key)),
    );
}
