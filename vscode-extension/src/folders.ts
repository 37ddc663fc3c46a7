// Multi-root workspaces: which folder the one server is started for, and which folder a relative
// path in a setting is taken from. Pure: no `vscode` import.
//
// One server serves every workspace folder. Settings asked for a document (`workspace/configuration`
// with a `scopeUri`) are that document's folder's; everything else (initializationOptions, the
// pushed settings, the launch settings, the Python extension's interpreter) is the primary
// folder's: the first workspace folder, which is also the `rootUri` the LanguageClient sends.
import * as path from 'node:path';
import type { SettingLevel } from './settings';

/** The folder the server is started for: the first one (VS Code's and LSP's root), if any. */
export function primaryFolder<T>(folders: readonly T[] | undefined): T | undefined {
    return folders?.[0];
}

/** What decides where a relative path in a setting points. */
export interface RelativePlaces {
    trusted: boolean;
    /** The primary folder's path (undefined when no folder is open). */
    folder?: string;
    /** The `.code-workspace` file of a saved multi-root workspace (undefined otherwise). */
    workspaceFile?: string;
}

/**
 * The directory a relative path in a setting is taken from, or undefined when it must be refused
 * (an untrusted workspace, or no folder). A folder's value: that folder. A workspace value: the
 * `.code-workspace` file's directory in a saved multi-root workspace, else the folder. A user
 * value (or a default): the primary folder, so `.venv/bin/python` means each project's own.
 */
export function relativeBase(level: SettingLevel | undefined, places: RelativePlaces): string | undefined {
    if (!places.trusted) return undefined;
    if (level === 'workspace' && places.workspaceFile) return path.dirname(places.workspaceFile);
    return places.folder;
}
