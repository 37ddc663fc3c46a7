// The wire shapes of ollama-ls's custom protocol (see docs/vscode-extension.md). Pure types.

export interface RunningModel {
    name: string;
    size: number;
    sizeVram: number;
    expiresAt: string | null;
}

/** `ollama/status` notification (server -> client) and result of the `ollama/status` request. */
export interface OllamaStatus {
    reachable: boolean;
    baseUrl: string;
    version: string | null;
    modelCount: number;
    runningModels: RunningModel[];
    latencyMs: number | null;
    error: string | null;
    suggestion: string | null;
}

/** `ollama/progress` notification: pull and generate progress for the status bar. */
export interface OllamaProgress {
    /** The operation's id, for `ollama.cancel {id}`. */
    id?: string;
    kind: 'pull' | 'generate';
    model: string;
    percentage?: number;
    tokensPerSecond?: number;
    message?: string;
    done: boolean;
}

/** One item of the `ollama/models` result. */
export interface ModelInfo {
    name: string;
    size: number;
    digest: string;
    modifiedAt: string;
    family: string;
    parameterSize: string;
    quantization: string;
    capabilities: string[];
    contextLength?: number;
}

export interface ValidateModelNameResult {
    isValid: boolean;
    message: string;
    normalized: string;
}

export interface DefaultModelResult {
    model: string | null;
    installed: boolean;
    reason: string;
}

export interface LspPosition {
    line: number;
    character: number;
}

export interface LspRange {
    start: LspPosition;
    end: LspPosition;
}

/** Argument of the `ollama.generate` server command. */
export interface GenerateArgs {
    uri: string;
    position?: LspPosition;
    range?: LspRange;
    prompt?: string;
    model?: string;
    mode?: 'insert' | 'replace';
}

/**
 * Result of `ollama.generate`. The counts are null when Ollama sent no final metrics (a failure, a
 * stop, a cancel, or a model pull that did not succeed before generating).
 */
export interface GenerateResult {
    model: string;
    text: string;
    evalCount: number | null;
    tokensPerSecond: number | null;
    timeToFirstTokenMs: number | null;
    cancelled: boolean;
    /** Why the generation stopped before its end (e.g. "you edited the text being generated"). */
    stopped?: string;
    /** The failure (Ollama's error, or the auto-pull's); the server has shown it already. */
    error?: string;
}
