// What the status bar item says, from the server's state. Pure: no `vscode` import.
import type { GenerateResult, LastGeneration as WireLastGeneration, OllamaProgress, OllamaStatus, RunningModel } from './protocol';
import { Commands } from './constants';

export type ServerState = 'starting' | 'running' | 'stopped' | 'failed';

export interface StatusState {
    server: ServerState;
    status?: OllamaStatus;
    /** Pulls and generations in flight, keyed by `kind:model`. */
    progress: Map<string, OllamaProgress>;
    /** The last generation that ended with Ollama's counts (for the tooltip). */
    lastGeneration?: LastGeneration;
}

export interface LastGeneration {
    model: string;
    /** Ollama's eval_count: thinking included. */
    evalCount: number;
    tokensPerSecond: number | null;
    timeToFirstTokenMs: number | null;
    /** Chunks that carried thinking (about one token each); absent: no thinking or unknown. */
    thinkingTokens?: number;
    /** Characters / 4 and wall-clock time: Ollama sent no counts. */
    estimated?: boolean;
}

/** The status's own last generation (generations and ghost text alike), as the tooltip's. */
function fromWire(last: WireLastGeneration): LastGeneration {
    return {
        model: last.model,
        evalCount: last.evalCount,
        tokensPerSecond: typeof last.tokensPerSecond === 'number' && last.tokensPerSecond > 0 ? last.tokensPerSecond : null,
        timeToFirstTokenMs: last.timeToFirstTokenMs,
        thinkingTokens: typeof last.thinkingTokens === 'number' && last.thinkingTokens > 0 ? last.thinkingTokens : undefined,
        estimated: last.estimated,
    };
}

export interface StatusView {
    text: string;
    /** Markdown for a MarkdownString (theme icons and the listed command links enabled). */
    tooltip: string;
    /** A theme colour id for the background, e.g. `statusBarItem.warningBackground`. */
    backgroundColor?: 'statusBarItem.warningBackground' | 'statusBarItem.errorBackground';
}

export function initialStatusState(): StatusState {
    return { server: 'starting', progress: new Map() };
}

/** Applies an `ollama/progress` notification: done entries leave, others replace their key. */
export function applyProgress(state: StatusState, progress: OllamaProgress): StatusState {
    const next = new Map(state.progress);
    const key = `${progress.kind}:${progress.model}`;
    if (progress.done) {
        next.delete(key);
    } else {
        next.set(key, progress);
    }
    return { ...state, progress: next };
}

export function applyStatus(state: StatusState, status: OllamaStatus): StatusState {
    return { ...state, status };
}

/** Remembers a generation's speed for the tooltip: only one that ended with Ollama's counts. */
export function applyGeneration(state: StatusState, result: GenerateResult): StatusState {
    if (result.error || result.cancelled || result.stopped || typeof result.evalCount !== 'number') return state;
    const lastGeneration: LastGeneration = {
        model: result.model,
        evalCount: result.evalCount,
        tokensPerSecond: typeof result.tokensPerSecond === 'number' && result.tokensPerSecond > 0 ? result.tokensPerSecond : null,
        timeToFirstTokenMs: typeof result.timeToFirstTokenMs === 'number' ? result.timeToFirstTokenMs : null,
    };
    return { ...state, lastGeneration };
}

// What the server's ServerUnreachable errors say (server/ollama_ls/client/errors.py), and what
// the transports say underneath.
const UNREACHABLE =
    /Ollama is not running at|Cannot connect to Ollama|Timed out connecting to Ollama|connection to Ollama was lost|Request to Ollama failed|TLS handshake with .* failed|ECONNREFUSED|Connection refused|Name or service not known|getaddrinfo/i;

/** True when a failure's message says that Ollama could not be reached (not a model error). */
export function isUnreachableError(message: string | undefined | null): boolean {
    return typeof message === 'string' && UNREACHABLE.test(message);
}

/**
 * A request failed because Ollama is unreachable: show offline at once (the server confirms
 * with its next `ollama/status`). Other failures, or an already offline status, change nothing.
 */
export function applyRequestFailure(state: StatusState, message: string): StatusState {
    const status = state.status;
    if (!status || !status.reachable || !isUnreachableError(message)) return state;
    const lines = message.split('\n').map((line) => line.trim()).filter(Boolean);
    // The server's errors: message, then "Model: …", "Server: …", then the suggestion.
    const suggestion = lines.slice(1).filter((line) => !/^(Model|Server): /.test(line)).join(' ') || null;
    return {
        ...state,
        status: { ...status, reachable: false, version: null, runningModels: [], latencyMs: null, error: lines[0] ?? message, suggestion },
    };
}

export function applyServerState(state: StatusState, server: ServerState): StatusState {
    return server === 'running' ? { ...state, server } : { ...state, server, progress: new Map() };
}

export function formatBytes(bytes: number): string {
    if (!Number.isFinite(bytes) || bytes <= 0) return '0 B';
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
        value /= 1000;
        unit += 1;
    }
    return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

function plural(count: number, word: string): string {
    return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** "pulling llama3 42%" or "generating · 38 tok/s": the most important work in flight. */
function progressText(progress: Map<string, OllamaProgress>): string | undefined {
    const all = [...progress.values()];
    const pull = all.find((p) => p.kind === 'pull');
    if (pull) {
        const percent = typeof pull.percentage === 'number' ? ` ${Math.floor(pull.percentage)}%` : '';
        return `pulling ${pull.model}${percent}`;
    }
    const generate = all.find((p) => p.kind === 'generate');
    if (generate) {
        if (typeof generate.tokensPerSecond === 'number' && generate.tokensPerSecond > 0) {
            return `generating · ${Math.round(generate.tokensPerSecond)} tok/s`;
        }
        // Before the first token: "loading llama3.2 into memory… 3 s", "qwen3 is thinking…".
        const waiting = generate.message?.trim();
        if (waiting && /into memory|is thinking/i.test(waiting)) return waiting;
        return 'generating';
    }
    return undefined;
}

/** Memory of a loaded model: "3.4 GB, 3.0 GB in VRAM" (all of it on the GPU: "3.4 GB in VRAM"). */
export function modelMemory(model: RunningModel): string {
    if (model.sizeVram > 0 && model.sizeVram >= model.size) return `${formatBytes(model.sizeVram)} in VRAM`;
    const vram = model.sizeVram > 0 ? `, ${formatBytes(model.sizeVram)} in VRAM` : '';
    return `${formatBytes(model.size)}${vram}`;
}

// keep_alive -1 ("forever") gives an expires_at centuries ahead.
const FOREVER_MS = 365 * 24 * 3600 * 1000;

/**
 * When a loaded model unloads, relative to `now`: "unloads in 4 min", "unloads in 1 h 5 min",
 * "unloads in 40 s", "unloading now", "stays loaded" (keep_alive -1), or "" when unknown.
 */
export function formatUnload(expiresAt: string | null, now: number): string {
    if (!expiresAt) return '';
    const time = Date.parse(expiresAt);
    if (Number.isNaN(time)) return '';
    const left = time - now;
    if (left >= FOREVER_MS) return 'stays loaded';
    if (left <= 1000) return 'unloading now';
    const seconds = Math.round(left / 1000);
    if (seconds < 60) return `unloads in ${seconds} s`;
    const minutes = Math.round(seconds / 60);
    if (minutes < 60) return `unloads in ${minutes} min`;
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    if (hours < 48) return `unloads in ${hours} h${rest ? ` ${rest} min` : ''}`;
    return `unloads in ${Math.round(hours / 24)} days`;
}

/** "3.4 GB, 3.0 GB in VRAM · unloads in 4 min": a loaded model's line without its name. */
export function runningModelDetail(model: RunningModel, now: number): string {
    return [modelMemory(model), formatUnload(model.expiresAt, now)].filter(Boolean).join(' · ');
}

function runningModelLine(model: RunningModel, now: number): string {
    return `- \`${model.name}\` ${runningModelDetail(model, now)}`;
}

/**
 * "42 tokens from llama3.2 at 38 tok/s (12 of them thinking), first token after 1.2 s": Ollama's
 * eval_count and eval_duration, thinking included; "about" when Ollama sent no counts.
 */
function lastGenerationLine(last: LastGeneration): string {
    const about = last.estimated ? 'about ' : '';
    const speed = last.tokensPerSecond !== null ? ` at ${about}${Math.round(last.tokensPerSecond)} tok/s` : '';
    const thinking = last.thinkingTokens ? ` (${last.thinkingTokens} of them thinking)` : '';
    const first = last.timeToFirstTokenMs !== null ? `, first token after ${(last.timeToFirstTokenMs / 1000).toFixed(1)} s` : '';
    return `Last generation: ${about}${plural(last.evalCount, 'token')} from \`${last.model}\`${speed}${thinking}${first}`;
}

/** Command links shown at the bottom of the tooltip; they must be enabled on the MarkdownString. */
export const TOOLTIP_COMMANDS = [Commands.pullModel, Commands.selectDefaultModel, Commands.showLogs, Commands.restartServer];

function tooltipLinks(): string {
    return [
        `[Pull Model](command:${Commands.pullModel})`,
        `[Select Default Model](command:${Commands.selectDefaultModel})`,
        `[Show Logs](command:${Commands.showLogs})`,
        `[Restart Server](command:${Commands.restartServer})`,
    ].join(' · ');
}

function escapeMarkdown(text: string): string {
    return text.replace(/([\\`*_{}[\]()#+\-.!|<>])/g, '\\$1');
}

function statusTooltip(status: OllamaStatus | undefined, heading: string, now: number, last?: LastGeneration): string {
    const lines = [`**${escapeMarkdown(heading)}**`, ''];
    if (status) {
        lines.push(`Server: \`${status.baseUrl || 'default'}\`  `);
        if (status.version) lines.push(`Version: ${escapeMarkdown(status.version)}  `);
        if (status.latencyMs !== null && status.latencyMs !== undefined) lines.push(`Latency: ${Math.round(status.latencyMs)} ms  `);
        if (status.reachable) {
            lines.push(`Installed: ${plural(status.modelCount, 'model')}`);
            // Reachable, yet something to change (localhost refused, 127.0.0.1 answered).
            if (status.suggestion) lines.push('', `$(lightbulb) ${escapeMarkdown(status.suggestion)}`);
            lines.push('');
            if (status.runningModels.length > 0) {
                lines.push('Loaded models:', '');
                lines.push(...status.runningModels.map((model) => runningModelLine(model, now)));
            } else {
                lines.push('No model loaded.');
            }
            const shown = status.lastGeneration ? fromWire(status.lastGeneration) : last;
            if (shown) lines.push('', lastGenerationLine(shown));
        } else {
            if (status.error) lines.push('', `$(error) ${escapeMarkdown(status.error)}`);
            if (status.suggestion) lines.push('', escapeMarkdown(status.suggestion));
        }
    }
    lines.push('', '---', '', tooltipLinks());
    return lines.join('\n');
}

/** The status bar item's text, tooltip and colour for a state. */
export function describeStatus(state: StatusState, now: number = Date.now()): StatusView {
    const tooltip = (status: OllamaStatus | undefined, heading: string) => statusTooltip(status, heading, now, state.lastGeneration);
    if (state.server === 'starting') {
        return { text: '$(loading~spin) Ollama: starting', tooltip: tooltip(state.status, 'Ollama: starting the language server') };
    }
    if (state.server === 'stopped' || state.server === 'failed') {
        return {
            text: '$(error) Ollama: server stopped',
            tooltip: tooltip(undefined, 'The Ollama language server is not running. Click to restart it or see the logs.'),
            backgroundColor: 'statusBarItem.errorBackground',
        };
    }
    const working = progressText(state.progress);
    if (working) {
        return { text: `$(loading~spin) Ollama: ${working}`, tooltip: tooltip(state.status, `Ollama: ${working}`) };
    }
    const status = state.status;
    if (!status) {
        return { text: '$(loading~spin) Ollama', tooltip: tooltip(undefined, 'Ollama: checking the server') };
    }
    if (!status.reachable) {
        return {
            text: '$(error) Ollama offline',
            tooltip: tooltip(status, 'Ollama offline'),
            backgroundColor: 'statusBarItem.warningBackground',
        };
    }
    const version = status.version ? ` ${status.version}` : '';
    return {
        text: `$(check) Ollama${version} · ${plural(status.modelCount, 'model')}`,
        tooltip: tooltip(status, 'Ollama connected'),
    };
}

/**
 * The short status bar message after `ollama.generate`: a success line only for a generation that
 * ended well. A failure or a stop was already shown by the server (window/showMessage).
 */
export function generationMessage(result: GenerateResult): string {
    if (result.error) {
        // The server's Unauthorized error for a cloud model (server/ollama_ls/client/errors.py).
        if (/^Not signed in to Ollama Cloud/.test(result.error)) return '$(error) Ollama: cloud model: run `ollama signin` where Ollama runs';
        return '$(error) Ollama: generation failed';
    }
    if (result.cancelled) return '$(debug-stop) Ollama: generation cancelled';
    if (result.stopped) return `$(warning) Ollama: generation stopped: ${result.stopped}`;
    if (typeof result.evalCount === 'number') {
        const speed = result.tokensPerSecond ? ` at ${Math.round(result.tokensPerSecond)} tok/s` : '';
        const tokens = result.evalCount === 1 ? '1 token' : `${result.evalCount} tokens`;
        return `$(check) Ollama: ${tokens} from ${result.model}${speed}`;
    }
    if (result.text) return `$(check) Ollama: generated with ${result.model}`;
    return `$(warning) Ollama: ${result.model} generated nothing`;
}
