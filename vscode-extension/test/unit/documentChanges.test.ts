import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeChanges, OffsetChange } from '../../src/documentChanges';

function apply(text: string, changes: readonly OffsetChange[]): string {
    // VS Code's order: descending, so each offset is valid before and during the event.
    return changes.reduce((doc, c) => doc.slice(0, c.rangeOffset) + c.text + doc.slice(c.rangeOffset + c.rangeLength), text);
}

test('a minimised replacement becomes the one replacement it adds up to', () => {
    const before = '# Notes.\ntitle: hello world\nsummary:\n';
    // "title: hello world" -> "Bonjour", as VS Code's minimal diff splits it (descending).
    const changes: OffsetChange[] = [
        { rangeOffset: 25, rangeLength: 2, text: '' },
        { rangeOffset: 24, rangeLength: 0, text: 'u' },
        { rangeOffset: 15, rangeLength: 8, text: 'njo' },
        { rangeOffset: 9, rangeLength: 5, text: 'Bo' },
    ];
    const after = apply(before, changes);
    const merged = mergeChanges(changes);
    assert.ok(merged);
    assert.deepEqual({ first: merged.first, last: merged.last }, { first: 3, last: 0 });
    assert.equal(merged.rangeOffset, 9);
    assert.equal(merged.rangeLength, 18);
    const text = after.slice(merged.rangeOffset, merged.rangeOffset + merged.newLength);
    assert.equal(before.slice(0, 9) + text + before.slice(9 + 18), after);
});

test('one change, or changes out of VS Code order, are left alone', () => {
    assert.equal(mergeChanges([{ rangeOffset: 3, rangeLength: 1, text: 'x' }]), undefined);
    assert.equal(mergeChanges([]), undefined);
    assert.equal(
        mergeChanges([
            { rangeOffset: 1, rangeLength: 0, text: 'a' },
            { rangeOffset: 5, rangeLength: 0, text: 'b' },
        ]),
        undefined,
    );
    assert.equal(
        mergeChanges([
            { rangeOffset: 4, rangeLength: 2, text: 'a' },
            { rangeOffset: 3, rangeLength: 2, text: 'b' },
        ]),
        undefined,
    );
});
