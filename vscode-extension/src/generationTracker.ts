// Knows which documents an `ollama.generate` is writing into, and rewrites their didChange events
// to the one replacement each adds up to (see documentChanges.ts). Only types from `vscode`, so
// unit tests can load it.
import type * as vscode from 'vscode';
import { mergeChanges } from './documentChanges';

export class GenerationTracker {
    /** Document uri -> generations in flight. */
    private readonly generating = new Map<string, number>();

    /** Runs `work` (an `ollama.generate` into `uri`) with the document marked as being written. */
    async during<R>(uri: string, work: () => Promise<R>): Promise<R> {
        this.generating.set(uri, (this.generating.get(uri) ?? 0) + 1);
        try {
            return await work();
        } finally {
            const left = (this.generating.get(uri) ?? 1) - 1;
            if (left > 0) this.generating.set(uri, left);
            else this.generating.delete(uri);
        }
    }

    isGenerating(uri: string): boolean {
        return this.generating.has(uri);
    }

    /** The event to send for `textDocument/didChange`: merged while a generation writes there. */
    didChange(event: vscode.TextDocumentChangeEvent): vscode.TextDocumentChangeEvent {
        return this.isGenerating(event.document.uri.toString()) ? wholeReplacement(event) : event;
    }
}

/** One event's changes as the single replacement they add up to. */
export function wholeReplacement(event: vscode.TextDocumentChangeEvent): vscode.TextDocumentChangeEvent {
    const merged = mergeChanges(event.contentChanges);
    if (!merged) return event;
    const { document } = event;
    const first = event.contentChanges[merged.first].range;
    const last = event.contentChanges[merged.last].range;
    const change: vscode.TextDocumentContentChangeEvent = {
        // Positions before the event: the first change's start, the last change's end.
        range: first.with(first.start, last.end),
        rangeOffset: merged.rangeOffset,
        rangeLength: merged.rangeLength,
        // The replacement's text, read from the document after the event.
        text: document.getText(first.with(document.positionAt(merged.rangeOffset), document.positionAt(merged.rangeOffset + merged.newLength))),
    };
    return { document, contentChanges: [change], reason: event.reason };
}
