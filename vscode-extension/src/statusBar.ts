// The one status bar item: shows what status.ts describes; a click opens the Ollama menu.
import * as vscode from 'vscode';
import { Commands } from './constants';
import type { OllamaProgress, OllamaStatus } from './protocol';
import {
    applyProgress,
    applyServerState,
    applyStatus,
    describeStatus,
    initialStatusState,
    ServerState,
    StatusState,
    TOOLTIP_COMMANDS,
} from './status';

export class StatusBar implements vscode.Disposable {
    private readonly item: vscode.StatusBarItem;
    private state: StatusState = initialStatusState();

    constructor() {
        this.item = vscode.window.createStatusBarItem('ollama.status', vscode.StatusBarAlignment.Left, 100);
        this.item.name = 'Ollama';
        this.item.command = Commands.showMenu;
        this.render();
        this.item.show();
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

    private render(): void {
        const view = describeStatus(this.state);
        this.item.text = view.text;
        const tooltip = new vscode.MarkdownString(view.tooltip, true);
        tooltip.isTrusted = { enabledCommands: [...TOOLTIP_COMMANDS] };
        this.item.tooltip = tooltip;
        this.item.backgroundColor = view.backgroundColor ? new vscode.ThemeColor(view.backgroundColor) : undefined;
        this.item.accessibilityInformation = { label: view.text.replace(/\$\([^)]*\)\s*/g, '') };
    }

    dispose(): void {
        this.item.dispose();
    }
}
