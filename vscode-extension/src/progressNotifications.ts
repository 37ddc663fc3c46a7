// Shows the server's LSP work-done progress (pull, generate, warm-up) as notifications with a
// Cancel button. vscode-languageclient would show it only as a spinner in the status bar, whose
// cancel is hard to reach; cancelling sends `window/workDoneProgress/cancel`.
import * as vscode from 'vscode';
import type { ProgressToken, WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport } from 'vscode-languageclient/node';

type ProgressParams = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

interface ActiveProgress {
    progress?: vscode.Progress<{ message?: string; increment?: number }>;
    reported: number;
    pending?: WorkDoneProgressReport | WorkDoneProgressBegin;
    finish: () => void;
}

export class ProgressNotifications implements vscode.Disposable {
    private readonly active = new Map<ProgressToken, ActiveProgress>();

    constructor(private readonly cancel: (token: ProgressToken) => void) {}

    /** `middleware.handleWorkDoneProgress`: replaces the client's window progress. */
    readonly handle = (token: ProgressToken, params: ProgressParams): void => {
        if (params.kind === 'begin') {
            this.begin(token, params);
        } else if (params.kind === 'report') {
            this.report(token, params);
        } else {
            this.end(token);
        }
    };

    private begin(token: ProgressToken, params: WorkDoneProgressBegin): void {
        if (this.active.has(token)) return;
        const entry: ActiveProgress = { reported: 0, pending: params, finish: () => undefined };
        this.active.set(token, entry);
        void vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: params.title, cancellable: params.cancellable ?? false },
            (progress, cancellation) =>
                new Promise<void>((resolve) => {
                    entry.progress = progress;
                    entry.finish = resolve;
                    cancellation.onCancellationRequested(() => this.cancel(token));
                    if (!this.active.has(token)) {
                        resolve();
                        return;
                    }
                    if (entry.pending) this.apply(entry, entry.pending);
                }),
        );
    }

    private report(token: ProgressToken, params: WorkDoneProgressReport): void {
        const entry = this.active.get(token);
        if (entry) this.apply(entry, params);
    }

    private apply(entry: ActiveProgress, params: WorkDoneProgressReport | WorkDoneProgressBegin): void {
        if (!entry.progress) {
            entry.pending = params;
            return;
        }
        entry.pending = undefined;
        let increment: number | undefined;
        if (typeof params.percentage === 'number') {
            const percentage = Math.max(0, Math.min(100, params.percentage));
            increment = Math.max(0, percentage - entry.reported);
            entry.reported += increment;
        }
        entry.progress.report({ message: params.message, increment });
    }

    private end(token: ProgressToken): void {
        const entry = this.active.get(token);
        this.active.delete(token);
        entry?.finish();
    }

    /** Closes every notification (the server stopped). */
    clear(): void {
        for (const entry of this.active.values()) entry.finish();
        this.active.clear();
    }

    dispose(): void {
        this.clear();
    }
}
