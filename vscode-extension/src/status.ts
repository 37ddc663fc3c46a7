// What the status bar item says, from the server's state. Pure: no `vscode` import.
import type { GenerateResult, OllamaProgress, OllamaStatus, RunningModel } from './protocol';
import { Commands } from './constants';

export type ServerState = 'starting' | 'running' | 'stopped' | 'failed';

export interface StatusState {
    server: ServerState;
    status?: OllamaStatus;
    /** Pulls and generations in flight, keyed by `kind:model`. */
    progress: Map<string, OllamaProgress>;
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
        const speed =
            typeof generate.tokensPerSecond === 'number' && generate.tokensPerSecond > 0
                ? ` · ${Math.round(generate.tokensPerSecond)} tok/s`
                : '';
        return `generating${speed}`;
    }
    return undefined;
}

function runningModelLine(model: RunningModel): string {
    const vram = model.sizeVram > 0 ? `, ${formatBytes(model.sizeVram)} in VRAM` : '';
    const until = model.expiresAt ? `, unloads ${formatExpiry(model.expiresAt)}` : '';
    return `- \`${model.name}\` ${formatBytes(model.size)}${vram}${until}`;
}

function formatExpiry(expiresAt: string): string {
    const time = Date.parse(expiresAt);
    if (Number.isNaN(time)) return expiresAt;
    return `at ${new Date(time).toISOString().slice(11, 16)} UTC`;
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

function statusTooltip(status: OllamaStatus | undefined, heading: string): string {
    const lines = [`**${heading}**`, ''];
    if (status) {
        lines.push(`Server: \`${status.baseUrl || 'default'}\`  `);
        if (status.version) lines.push(`Version: ${escapeMarkdown(status.version)}  `);
        if (status.latencyMs !== null && status.latencyMs !== undefined) lines.push(`Latency: ${Math.round(status.latencyMs)} ms  `);
        if (status.reachable) {
            lines.push(`Installed: ${plural(status.modelCount, 'model')}`);
            lines.push('');
            if (status.runningModels.length > 0) {
                lines.push('Running models:', '');
                lines.push(...status.runningModels.map(runningModelLine));
            } else {
                lines.push('No model loaded.');
            }
        } else {
            if (status.error) lines.push('', `$(error) ${escapeMarkdown(status.error)}`);
            if (status.suggestion) lines.push('', escapeMarkdown(status.suggestion));
        }
    }
    lines.push('', '---', '', tooltipLinks());
    return lines.join('\n');
}

/** The status bar item's text, tooltip and colour for a state. */
export function describeStatus(state: StatusState): StatusView {
    if (state.server === 'starting') {
        return { text: '$(loading~spin) Ollama: starting', tooltip: statusTooltip(state.status, 'Ollama: starting the language server') };
    }
    if (state.server === 'stopped' || state.server === 'failed') {
        return {
            text: '$(error) Ollama: server stopped',
            tooltip: statusTooltip(undefined, 'The Ollama language server is not running. Click to restart it or see the logs.'),
            backgroundColor: 'statusBarItem.errorBackground',
        };
    }
    const working = progressText(state.progress);
    if (working) {
        return { text: `$(loading~spin) Ollama: ${working}`, tooltip: statusTooltip(state.status, `Ollama: ${working}`) };
    }
    const status = state.status;
    if (!status) {
        return { text: '$(loading~spin) Ollama', tooltip: statusTooltip(undefined, 'Ollama: checking the server') };
    }
    if (!status.reachable) {
        return {
            text: '$(error) Ollama offline',
            tooltip: statusTooltip(status, 'Ollama offline'),
            backgroundColor: 'statusBarItem.warningBackground',
        };
    }
    const version = status.version ? ` ${status.version}` : '';
    return {
        text: `$(check) Ollama${version} · ${plural(status.modelCount, 'model')}`,
        tooltip: statusTooltip(status, 'Ollama connected'),
    };
}

/**
 * The short status bar message after `ollama.generate`: a success line only for a generation that
 * ended well. A failure or a stop was already shown by the server (window/showMessage).
 */
export function generationMessage(result: GenerateResult): string {
    if (result.error) return '$(error) Ollama: generation failed';
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
