import { readFileSync } from 'node:fs';
import { COMMON_PROPERTIES, connectionOptions, parseProperties, type ClientConnectionOptions } from '../kafka/properties.ts';
import { UsageError } from './cli-error.ts';

/**
 * Parses Java properties text (what Kafka's `--command-config` files hold): `key=value` or
 * `key: value` lines, `#` and `!` comments, a trailing backslash continues a line.
 */
export function parseJavaProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trimStart();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.trimStart();
    const m = /^((?:\\.|[^=:\s])+)\s*[=:]?\s*(.*)$/.exec(line);
    if (!m) continue;
    out[m[1]!.replace(/\\(.)/g, '$1')] = m[2]!.replace(/\\(.)/g, '$1').trimEnd();
  }
  return out;
}

/**
 * The TLS and SASL client settings of a `--command-config FILE` (Kafka client properties:
 * security.protocol, sasl.mechanism, sasl.jaas.config or sasl.username/password, ssl.*), mapped
 * as the connectors map them. A wrong or unknown property is a usage error naming it.
 */
export async function readCommandConfig(file: string): Promise<Pick<ClientConnectionOptions, 'tls' | 'sasl'>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--command-config: cannot read ${file}: ${(err as Error).message}`);
  }
  const what = `--command-config ${file}`;
  try {
    const props = parseProperties(what, parseJavaProperties(text), COMMON_PROPERTIES);
    const o = await connectionOptions(what, props);
    return { ...(o.tls && { tls: o.tls }), ...(o.sasl && { sasl: o.sasl }) };
  } catch (err) {
    throw new UsageError((err as Error).message, { cause: err });
  }
}
