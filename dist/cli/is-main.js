import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
/** True when the module at `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl) {
    const entry = process.argv[1];
    return entry !== undefined && pathToFileURL(realpathSync(entry)).href === moduleUrl;
}
