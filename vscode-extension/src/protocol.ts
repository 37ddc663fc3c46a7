// The wire shapes of ollama-ls's custom protocol (see docs/vscode-extension.md). Pure types.
//
// The payload interfaces must match test/unit/protocol.snapshot.json, which a Python test writes
// from what the server sends: test/unit/protocol.test.ts compares them member by member (name,
// optionality, type text). Change the server and the snapshot first, then this file.

export interface RunningModel {
    name: string;
    size: number;
    sizeVram: number;
    expiresAt: string | null;
}

/** The last generation or ghost text that ended with Ollama's counts. */
export interface LastGeneration {
    model: string;
    /** Ollama's eval_count: generated tokens, thinking included. */
    evalCount: number;
    /** eval_count / eval_duration, Ollama's own timing. */
    tokensPerSecond: number | null;
    timeToFirstTokenMs: number | null;
    /** Ollama sent no counts: characters / 4 and wall-clock time. */
    estimated: boolean;
    /** Streamed chunks that carried thinking (about one token each); absent: no thinking. */
    thinkingTokens?: number;
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
    /** What to do: why Ollama is unreachable, or (reachable) a better base URL. */
    suggestion: string | null;
    lastGeneration?: LastGeneration;
}

/** `ollama/progress` notification: pull and generate progress for the status bar. */
export interface OllamaProgress {
    kind: 'pull' | 'generate';
    model: string;
    done: boolean;
    /** The operation's id, for `ollama.cancel {id}`. */
    id?: string;
    percentage?: number;
    tokensPerSecond?: number;
    /** The title at the start, then each report's text, then the outcome. */
    message?: string;
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
    contextLength: number | null;
}

/** Result of `ollama/capabilities {model?}`. */
export interface CapabilitiesResult {
    model: string;
    chat: boolean;
    streaming: boolean;
    embeddings: boolean;
    tools: boolean;
    vision: boolean;
    insert: boolean;
    thinking: boolean;
    contextLength: number | null;
    /** Ollama's own capability names (`completion`, `tools`, ...). */
    capabilities: string[];
}

/** Result of `ollama/validateModelName {name}`. */
export interface ValidateModelNameResult {
    isValid: boolean;
    message: string;
    /** The full name, host/namespace/model:tag; null when not valid. */
    normalized: string | null;
    /** The name as `ollama list` shows it; null when not valid. */
    short: string | null;
}

/** What the server measured of this machine (bytes). */
export interface HardwareInfo {
    totalRam: number;
    availableRam: number;
    totalVram: number;
    /** `nvml`, `ollama-ps`, or null when no GPU was seen. */
    vramSource: string | null;
}

/** Result of `ollama/defaultModel`. */
export interface DefaultModelResult {
    /** `ollama.model` when set, else the recommended model. */
    model: string;
    configured: boolean;
    installed: boolean;
    reason: string;
    recommended: string;
    alternatives: string[];
    hardware: HardwareInfo;
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

/** Result of `ollama.pull {model}`; the server has shown the outcome already. */
export interface PullResult {
    model: string;
    status: 'success' | 'cancelled' | 'error';
    cancelled: boolean;
    error?: string;
}

/** Result of `ollama.delete`, `ollama.warmup` and `ollama.unload {model}`. */
export interface ModelCommandResult {
    model: string;
    status: 'deleted' | 'loaded' | 'unloaded';
}

/** Result of `ollama.cancel {id?}`: how many operations were cancelled. */
export interface CancelResult {
    cancelled: number;
}
