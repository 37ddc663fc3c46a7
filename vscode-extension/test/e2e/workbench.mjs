// Small helpers that drive VS Code's workbench like a user: keyboard, command palette, and what
// the status bar, the editor and the Problems panel show.

/** Polls `check` until it returns something truthy; the error says what was awaited and last seen. */
export async function waitFor(check, { timeout = 30_000, interval = 250, what = 'a condition', detail } = {}) {
    const deadline = Date.now() + timeout;
    let lastError;
    while (Date.now() < deadline) {
        try {
            const value = await check();
            if (value) return value;
        } catch (error) {
            lastError = error;
        }
        await new Promise((resolve) => setTimeout(resolve, interval));
    }
    let seen = '';
    if (detail) {
        seen = await Promise.resolve(detail()).catch((error) => `(${error.message})`);
        seen = ` Last seen: ${JSON.stringify(String(seen).replace(/\s+/g, ' ').slice(0, 400))}`;
    }
    throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}.${seen}${lastError ? ` (${lastError.message})` : ''}`);
}

export async function statusBarText(page) {
    return (await page.locator('#workbench\\.parts\\.statusbar').innerText()).replace(/\s+/g, ' ');
}

/** The text of the active editor (only the rendered lines; enough for small files). */
export async function editorText(page) {
    const lines = page.locator('.editor-instance .monaco-editor .view-lines').first();
    return (await lines.innerText()).replace(/\u00a0/g, ' ');
}

export async function problemsText(page) {
    const panel = page.locator('.markers-panel');
    if ((await panel.count()) === 0) return '';
    return panel.first().innerText();
}

async function focusWorkbench(page) {
    await page.locator('.monaco-workbench').first().focus().catch(() => undefined);
}

/**
 * Runs a command from the command palette by its full title, e.g. "Ollama: Pull Model". Escape
 * first closes what may be open; `keepSelection` skips it, as Escape also clears the selection.
 */
export async function commandPalette(page, title, { keepSelection = false } = {}) {
    if (!keepSelection) await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Enter');
}

/** Opens a workspace file by name with Quick Open (Ctrl+P). */
export async function quickOpen(page, fileName) {
    await focusWorkbench(page);
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(fileName);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().waitFor({ timeout: 20_000 });
    await page.keyboard.press('Enter');
    await page.locator('.editor-instance .monaco-editor').first().waitFor({ timeout: 20_000 });
    await page.waitForTimeout(500);
}

/** Moves the cursor to the start of a (1-based) line with Ctrl+G, and focuses the editor. */
export async function goToLine(page, line) {
    await page.keyboard.press('Escape');
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+G');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`:${line}`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Home');
}

/** Waits for a quick pick or input box of ours, by its title, and focuses its input. */
export async function waitForQuickInput(page, title) {
    const widget = page.locator('.quick-input-widget', { has: page.locator('.quick-input-title', { hasText: title }) });
    await widget.waitFor({ state: 'visible', timeout: 20_000 });
    await widget.locator('input').first().focus();
    return widget;
}
