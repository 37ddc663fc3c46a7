import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { GenerationTracker } from '../../src/generationTracker';

// A document of one line, and just enough of vscode's Position and Range for the tracker.
interface Pos { line: number; character: number }
const pos = (character: number): Pos => ({ line: 0, character });
function range(start: Pos, end: Pos): vscode.Range {
    return { start, end, with: (s?: Pos, e?: Pos) => range(s ?? start, e ?? end) } as unknown as vscode.Range;
}
function documentOf(text: string, uri = 'file:///w/notes.yaml'): vscode.TextDocument {
    return {
        uri: { toString: () => uri },
        positionAt: (offset: number) => pos(offset),
        getText: (r?: vscode.Range) => (r ? text.slice(r.start.character, r.end.character) : text),
    } as unknown as vscode.TextDocument;
}

// `title: hello world` -> `title: Bonjour`, as VS Code's minimal diff reports it (descending).
const after = 'title: Bonjour';
const split = (uri?: string): vscode.TextDocumentChangeEvent => ({
    document: documentOf(after, uri),
    reason: undefined,
    contentChanges: [
        { range: range(pos(11), pos(18)), rangeOffset: 11, rangeLength: 7, text: 'ur' },
        { range: range(pos(7), pos(10)), rangeOffset: 7, rangeLength: 3, text: 'Bonj' },
    ],
});

test('while a generation writes into a document, its changes are sent as one replacement', async () => {
    const tracker = new GenerationTracker();
    let during: vscode.TextDocumentChangeEvent | undefined;
    await tracker.during('file:///w/notes.yaml', async () => {
        during = tracker.didChange(split());
    });
    assert.equal(during?.contentChanges.length, 1);
    const [change] = during!.contentChanges;
    assert.deepEqual([change.rangeOffset, change.rangeLength, change.text], [7, 11, 'Bonjour']);
    assert.deepEqual([change.range.start, change.range.end], [pos(7), pos(18)]);
});

test('other documents, and the document after the generation, pass unchanged', async () => {
    const tracker = new GenerationTracker();
    const other = split('file:///w/other.yaml');
    await tracker.during('file:///w/notes.yaml', async () => {
        assert.equal(tracker.didChange(other), other);
    });
    const later = split();
    assert.equal(tracker.didChange(later), later);
    assert.equal(tracker.isGenerating('file:///w/notes.yaml'), false);
});

test('two generations into one document: tracked until both end, even when one fails', async () => {
    const tracker = new GenerationTracker();
    let release!: () => void;
    const first = tracker.during('file:///w/a', () => new Promise<void>((resolve) => (release = resolve)));
    await assert.rejects(tracker.during('file:///w/a', async () => Promise.reject(new Error('failed'))));
    assert.equal(tracker.isGenerating('file:///w/a'), true);
    release();
    await first;
    assert.equal(tracker.isGenerating('file:///w/a'), false);
});
