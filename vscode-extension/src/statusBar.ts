// The one status bar item: shows what status.ts describes; a click opens the Ollama menu.
import * as vscode from 'vscode';
import { Commands } from './constants';
import type { GenerateResult, OllamaProgress, OllamaStatus } from './protocol';
import {
    applyGeneration,
    applyProgress,
    applyRequestFailure,
    applyServerState,
    applyStatus,
    describeStatus,
    initialStatusState,
    ServerState,
    StatusState,
    StatusView,
    TOOLTIP_COMMANDS,
} from './status';

/** How often the tooltip's relative times ("unloads in 4 min") are brought up to date. */
const REFRESH_MS = 15_000;

export class StatusBar implements vscode.Disposable {
    private readonly item: vscode.StatusBarItem;
    private state: StatusState = initialStatusState();
    private shown: StatusView | undefined;
    private readonly timer: ReturnType<typeof setInterval>;

    constructor() {
        this.item = vscode.window.createStatusBarItem('ollama.status', vscode.StatusBarAlignment.Left, 100);
        this.item.name = 'Ollama';
        this.item.command = Commands.showMenu;
        this.render();
        this.item.show();
        this.timer = setInterval(() => {
            if (this.state.status?.runningModels.length) this.render();
        }, REFRESH_MS);
    }

    get status(): OllamaStatus | undefined {
        return this.state.status;
    }

    setServerState(server: ServerState): void {
        this.state = applyServerState(this.state, server);
        this.render();
    }

    setStatus(status: OllamaStatus): void {
        this.state = applyStatus(this.state, status);
        this.render();
    }

    setProgress(progress: OllamaProgress): void {
        this.state = applyProgress(this.state, progress);
        this.render();
    }

    /** A generation ended: its speed goes in the tooltip (when Ollama sent its counts). */
    setGeneration(result: GenerateResult): void {
        this.state = applyGeneration(this.state, result);
        this.render();
    }

    /** A request failed: when Ollama was unreachable, show offline now. Returns whether it did. */
    requestFailed(message: string): boolean {
        const next = applyRequestFailure(this.state, message);
        if (next === this.state) return false;
        this.state = next;
        this.render();
        return true;
    }

    private render(): void {
        const view = describeStatus(this.state);
        const shown = this.shown;
        this.shown = view;
        if (shown?.text !== view.text) {
            this.item.text = view.text;
            this.item.accessibilityInformation = { label: view.text.replace(/\$\([^)]*\)\s*/g, '') };
        }
        // Only when it changed: replacing the tooltip of a hovered item re-renders the hover.
        if (shown?.tooltip !== view.tooltip) {
            const tooltip = new vscode.MarkdownString(view.tooltip, true);
            tooltip.isTrusted = { enabledCommands: [...TOOLTIP_COMMANDS] };
            this.item.tooltip = tooltip;
        }
        if (!shown || shown.backgroundColor !== view.backgroundColor) {
            this.item.backgroundColor = view.backgroundColor ? new vscode.ThemeColor(view.backgroundColor) : undefined;
        }
    }

    dispose(): void {
        clearInterval(this.timer);
        this.item.dispose();
    }
}
