// Reads the `ollama.*` settings from VS Code, honouring Restricted Mode (see settings.ts).
import * as vscode from 'vscode';
import { CONFIG_SECTION } from './constants';
import {
    buildInitializationOptions,
    buildLaunchSettings,
    buildServerSettings,
    ignoredWorkspaceSettings,
    InitializationOptions,
    InspectSetting,
    LaunchSettings,
    ServerSettings,
} from './settings';

function inspector(scope?: vscode.Uri): InspectSetting {
    const configuration = vscode.workspace.getConfiguration(CONFIG_SECTION, scope ?? defaultScope());
    return (key) => configuration.inspect(key);
}

function defaultScope(): vscode.Uri | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri;
}

export function serverSettings(apiKey: string | undefined, scope?: vscode.Uri): ServerSettings {
    return buildServerSettings(inspector(scope), vscode.workspace.isTrusted, apiKey);
}

export function initializationOptions(apiKey: string | undefined): InitializationOptions {
    return buildInitializationOptions(inspector(), vscode.workspace.isTrusted, apiKey);
}

export function launchSettings(): LaunchSettings {
    return buildLaunchSettings(inspector(), vscode.workspace.isTrusted);
}

/** Workspace settings ignored because the workspace is not trusted, e.g. `ollama.baseUrl`. */
export function ignoredSettings(): string[] {
    return ignoredWorkspaceSettings(inspector(), vscode.workspace.isTrusted);
}

/** Writes `ollama.model` where it takes effect: the workspace when it sets it, else the user. */
export async function writeDefaultModel(model: string): Promise<void> {
    const configuration = vscode.workspace.getConfiguration(CONFIG_SECTION, defaultScope());
    const inspection = configuration.inspect('model');
    const target =
        inspection?.workspaceFolderValue !== undefined
            ? vscode.ConfigurationTarget.WorkspaceFolder
            : inspection?.workspaceValue !== undefined
              ? vscode.ConfigurationTarget.Workspace
              : vscode.ConfigurationTarget.Global;
    await configuration.update('model', model, target);
}
