// Reads the `ollama.*` settings from VS Code, honouring Restricted Mode (see settings.ts) and
// multi-root workspaces (see folders.ts).
import * as vscode from 'vscode';
import { CONFIG_SECTION } from './constants';
import { primaryFolder, RelativePlaces } from './folders';
import {
    answerConfigurationItems,
    buildLaunchSettings,
    buildServerSettings,
    ignoredWorkspaceSettings,
    InspectSetting,
    LaunchSettings,
    ServerSettings,
} from './settings';
import { buildTrustedInitializationOptions, TrustedInitializationOptions } from './trust';

/** The folder the server is started for: the first workspace folder (LSP's rootUri). */
export function primaryWorkspaceFolder(): vscode.WorkspaceFolder | undefined {
    return primaryFolder(vscode.workspace.workspaceFolders);
}

function inspector(scope?: vscode.Uri): InspectSetting {
    const configuration = vscode.workspace.getConfiguration(CONFIG_SECTION, scope ?? primaryWorkspaceFolder()?.uri);
    return (key) => configuration.inspect(key);
}

/** The settings for a document or folder (`scope`), else for the primary folder. */
export function serverSettings(apiKey: string | undefined, scope?: vscode.Uri): ServerSettings {
    return buildServerSettings(inspector(scope), vscode.workspace.isTrusted, apiKey);
}

/** `{ollama: {...}}` for `initialize`; in an untrusted workspace with `trustProjectSettings:
 * false`, so the server keeps to its project-safe keys for later settings too (trust.ts). */
export function initializationOptions(apiKey: string | undefined): TrustedInitializationOptions {
    return buildTrustedInitializationOptions(inspector(), vscode.workspace.isTrusted, apiKey);
}

export function launchSettings(): LaunchSettings {
    return buildLaunchSettings(inspector(), vscode.workspace.isTrusted);
}

/** What a relative path in `ollama.server.*` is taken from (folders.ts `relativeBase`). */
export function relativePlaces(): RelativePlaces {
    const workspaceFile = vscode.workspace.workspaceFile;
    return {
        trusted: vscode.workspace.isTrusted,
        folder: primaryWorkspaceFolder()?.uri.fsPath,
        workspaceFile: workspaceFile?.scheme === 'file' ? workspaceFile.fsPath : undefined,
    };
}

/** Workspace settings ignored because the workspace is not trusted, e.g. `ollama.baseUrl`, in
 * the workspace or any of its folders. */
export function ignoredSettings(): string[] {
    const trusted = vscode.workspace.isTrusted;
    const folders = vscode.workspace.workspaceFolders ?? [];
    const scopes = folders.length > 0 ? folders.map((folder) => folder.uri) : [undefined];
    const ignored = new Set(scopes.flatMap((scope) => ignoredWorkspaceSettings(inspector(scope), trusted)));
    return [...ignored];
}

/** Answers `workspace/configuration`: `ollama` items per `scopeUri`, others as VS Code did. */
export function answerConfiguration(items: ReadonlyArray<{ section?: string; scopeUri?: string }>, clientAnswers: readonly unknown[]): unknown[] {
    return answerConfigurationItems(items, clientAnswers, (scopeUri) => serverSettings(undefined, scopeUri ? vscode.Uri.parse(scopeUri) : undefined));
}

/** Writes `ollama.model` where it takes effect for the server (the primary folder's settings):
 * that folder when it sets it, else the workspace when it does, else the user. In Restricted
 * Mode only the user's value counts (settings.ts), so it goes there. */
export async function writeDefaultModel(model: string): Promise<void> {
    const configuration = vscode.workspace.getConfiguration(CONFIG_SECTION, primaryWorkspaceFolder()?.uri);
    const inspection = configuration.inspect('model');
    const target = !vscode.workspace.isTrusted
        ? vscode.ConfigurationTarget.Global
        : inspection?.workspaceFolderValue !== undefined
            ? vscode.ConfigurationTarget.WorkspaceFolder
            : inspection?.workspaceValue !== undefined
              ? vscode.ConfigurationTarget.Workspace
              : vscode.ConfigurationTarget.Global;
    await configuration.update('model', model, target);
}
