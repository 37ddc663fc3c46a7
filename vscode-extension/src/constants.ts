// Names shared by the extension and the server. Pure: no `vscode` import, so tests can load it.

export const EXTENSION_ID = 'ollama-ls.ollama-ls';
export const CLIENT_ID = 'ollama';
export const CLIENT_NAME = 'Ollama Language Server';
export const LOG_CHANNEL_NAME = 'Ollama';
export const TRACE_CHANNEL_NAME = 'Ollama LSP Trace';
export const CONFIG_SECTION = 'ollama';
export const API_KEY_SECRET = 'ollama.apiKey';
export const SERVER_RUNNING_CONTEXT = 'ollama.serverRunning';
export const MIN_PYTHON = [3, 10] as const;

/** Commands this extension contributes to the command palette. */
export const Commands = {
    restartServer: 'ollama.restartServer',
    showLogs: 'ollama.showLogs',
    generateAtCursor: 'ollama.generateAtCursor',
    generateFromSelection: 'ollama.generateFromSelection',
    cancelGeneration: 'ollama.cancelGeneration',
    pullModel: 'ollama.pullModel',
    deleteModel: 'ollama.deleteModel',
    selectDefaultModel: 'ollama.selectDefaultModel',
    showStatus: 'ollama.showStatus',
    warmUpModel: 'ollama.warmUpModel',
    unloadModel: 'ollama.unloadModel',
    setApiKey: 'ollama.setApiKey',
    showMenu: 'ollama.showMenu',
} as const;

/** Commands the server runs through `workspace/executeCommand` (one object argument). */
export const ServerCommands = {
    generate: 'ollama.generate',
    cancel: 'ollama.cancel',
    pull: 'ollama.pull',
    delete: 'ollama.delete',
    warmup: 'ollama.warmup',
    unload: 'ollama.unload',
} as const;

/** Custom requests and notifications of the server. */
export const Methods = {
    status: 'ollama/status',
    progress: 'ollama/progress',
    models: 'ollama/models',
    capabilities: 'ollama/capabilities',
    validateModelName: 'ollama/validateModelName',
    defaultModel: 'ollama/defaultModel',
} as const;

/** Languages whose documents the server reads (config files that name models). */
export const SERVED_LANGUAGES = ['yaml', 'json', 'jsonc', 'toml', 'dotenv', 'modelfile'] as const;

/** Files served whatever language VS Code gives them (`.env` has no built-in language). */
export const SERVED_FILE_PATTERNS = ['**/.env', '**/.env.*', '**/Modelfile', '**/*.modelfile'] as const;

export type DocumentFilter =
    | { scheme: string }
    | { scheme: string; language: string }
    | { scheme: string; pattern: string };

export function servedDocumentSelector(): DocumentFilter[] {
    const byLanguage = SERVED_LANGUAGES.flatMap((language): DocumentFilter[] => [
        { scheme: 'file', language },
        { scheme: 'untitled', language },
    ]);
    const byPattern = SERVED_FILE_PATTERNS.map((pattern): DocumentFilter => ({ scheme: 'file', pattern }));
    // Generation and ghost text work in any document, so the server must see every one; it
    // answers completion, hover and diagnostics only in the config files above.
    const everyDocument: DocumentFilter[] = [{ scheme: 'file' }, { scheme: 'untitled' }];
    return [...byLanguage, ...byPattern, ...everyDocument];
}

/** Models offered when pulling; the user can type any other name. */
export const SUGGESTED_MODELS = [
    'llama3.2',
    'llama3.2:1b',
    'llama3.1:8b',
    'qwen2.5-coder:7b',
    'qwen2.5-coder:1.5b',
    'qwen3:8b',
    'gemma3:4b',
    'mistral',
    'phi3:mini',
    'phi4',
    'deepseek-r1:8b',
    'codellama:7b',
    'starcoder2:3b',
    'nomic-embed-text',
] as const;
