// package.json's contributed settings, read by the tests (the extension gets them from VS Code).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { InspectSetting, SettingInspection } from '../../src/settings';

export const ROOT = path.resolve(__dirname, '../../..');

export interface SettingContribution {
    type?: string | string[];
    default?: unknown;
    scope?: string;
    items?: { type?: string };
    markdownDescription?: string;
    description?: string;
}

/** `contributes.configuration` properties, by full name (`ollama.baseUrl`). */
export function contributedSettings(): Record<string, SettingContribution> {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const configuration = pkg.contributes.configuration;
    const sections: Array<{ properties: Record<string, SettingContribution> }> = Array.isArray(configuration) ? configuration : [configuration];
    return Object.assign({}, ...sections.map((section) => section.properties));
}

/**
 * An `inspect` like `getConfiguration('ollama').inspect`: package.json's default as `defaultValue`
 * (what VS Code does), plus the given values per key below `ollama.`.
 */
export function packageInspector(values: Record<string, SettingInspection> = {}): InspectSetting {
    const settings = contributedSettings();
    return (key) => {
        const contributed = settings[`ollama.${key}`];
        if (!contributed && !values[key]) return undefined;
        return { defaultValue: contributed?.default, ...values[key] };
    };
}
