import { readFileSync } from 'node:fs';
import { SecurityError, SecurityErrorCode } from '../errors.ts';

/**
 * Reads the development users file of `--sasl-users FILE`: one `username:password` per line
 * (blank lines and `#` comments ignored; the password is everything after the first colon), or
 * a Kafka JAAS file whose PlainLoginModule section lists `user_<name>="<password>"`. Returns
 * name → password. Meant for development: the passwords are in clear in the file.
 */
export function readPlainUsersFile(path: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SecurityError(SecurityErrorCode.CONFIG, `cannot read the SASL users file ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parsePlainUsers(text, path);
}

/** Parses the text of a users file; `source` names it in error messages. */
export function parsePlainUsers(text: string, source: string): Map<string, string> {
  const users = new Map<string, string>();
  const add = (user: string, password: string, where: string): void => {
    const bad = (why: string): SecurityError =>
      new SecurityError(SecurityErrorCode.CONFIG, `${source}, ${where}: ${why}. Write one user per line as username:password.`);
    if (user === '' || /[\0\s]/.test(user)) throw bad('the user name is empty or contains spaces');
    if (password === '' || password.includes('\0')) throw bad(`the password of '${user}' is empty`);
    if (users.has(user)) throw bad(`user '${user}' is listed twice`);
    users.set(user, password);
  };
  if (/\buser_[^\s=]+\s*=\s*"/.test(text)) {
    for (const m of text.matchAll(/\buser_([^\s=]+)\s*=\s*"((?:[^"\\]|\\.)*)"/g)) add(m[1]!, m[2]!.replace(/\\(.)/g, '$1'), `JAAS entry user_${m[1]}`);
    return users;
  }
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const at = line.indexOf(':');
    if (at < 0) throw new SecurityError(SecurityErrorCode.CONFIG, `${source}, line ${i + 1}: expected username:password`);
    add(line.slice(0, at), line.slice(at + 1), `line ${i + 1}`);
  });
  return users;
}
