// Pure: no `vscode` import. VS Code applies a workspace edit to the document of the active editor
// as a "more minimal" diff, so the server's one replacement (`title: hello world` -> `Bonjour`)
// reaches `textDocument/didChange` as several small changes, which the server's generation
// tracking takes for the user's typing. While a generation writes into a document, its changes
// of one event are sent as the one replacement they add up to.

export interface OffsetChange {
    /** Offset and length in the document before the event, as `TextDocumentContentChangeEvent`. */
    rangeOffset: number;
    rangeLength: number;
    text: string;
}

export interface MergedChange {
    /** Index of the change that starts first, and of the one that ends last. */
    first: number;
    last: number;
    rangeOffset: number;
    rangeLength: number;
    /** Length of the replacement text in the document after the event. */
    newLength: number;
}

/**
 * The single replacement equivalent to one event's changes, or undefined when there is nothing
 * to merge (one change) or the changes are not VS Code's usual descending, disjoint list.
 */
export function mergeChanges(changes: readonly OffsetChange[]): MergedChange | undefined {
    if (changes.length < 2) return undefined;
    for (let i = 1; i < changes.length; i++) {
        if (changes[i].rangeOffset + changes[i].rangeLength > changes[i - 1].rangeOffset) return undefined;
    }
    const first = changes.length - 1;
    const start = changes[first].rangeOffset;
    const end = changes[0].rangeOffset + changes[0].rangeLength;
    const delta = changes.reduce((sum, change) => sum + change.text.length - change.rangeLength, 0);
    return { first, last: 0, rangeOffset: start, rangeLength: end - start, newLength: end - start + delta };
}
