// Preloaded with `node --import` by test/package/eager-imports.test.ts: writes the URL of every
// module the process loaded (ES modules, CommonJS, built-ins) to the file named by
// SLUICE_RECORD_LOADS when the process exits.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const out = process.env.SLUICE_RECORD_LOADS;
if (out === undefined) throw new Error('record-loads: set SLUICE_RECORD_LOADS to the file to write');
const loaded: string[] = [];
registerHooks({
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
process.on('exit', () => writeFileSync(out, JSON.stringify(loaded)));
