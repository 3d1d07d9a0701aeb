import { SecurityError, SecurityErrorCode } from '../errors.ts';
import { ANONYMOUS, userPrincipal, type Principal } from '../principal.ts';
import { rfc2253 } from './distinguished-name.ts';

type Rule = { readonly kind: 'default' } | { readonly kind: 'rule'; readonly pattern: RegExp; readonly source: string; readonly replacement: string; readonly caseMode: '' | 'L' | 'U' };

/**
 * Kafka's `ssl.principal.mapping.rules`: a comma-separated list of `RULE:pattern/replacement/`
 * (optionally followed by `L` or `U` to lower- or upper-case the result) and `DEFAULT` (the
 * whole distinguished name). The first rule whose pattern matches the whole DN gives the name;
 * when none does, the client is refused. The default list is `DEFAULT`.
 *
 * @example
 * new PrincipalMapper('RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/L,DEFAULT').map('CN=Alice,OU=ServiceUsers,O=Acme') // 'alice'
 */
export class PrincipalMapper {
  readonly #rules: readonly Rule[];

  constructor(rules = 'DEFAULT') {
    this.#rules = parseRules(rules);
  }

  /** The principal name of a distinguished name, or null when no rule applies. */
  map(dn: string): string | null {
    for (const rule of this.#rules) {
      if (rule.kind === 'default') return dn;
      const full = new RegExp(`^(?:${rule.source})$`, rule.pattern.flags);
      if (!full.test(dn)) continue;
      const out = dn.replace(rule.pattern, rule.replacement);
      return rule.caseMode === 'L' ? out.toLowerCase() : rule.caseMode === 'U' ? out.toUpperCase() : out;
    }
    return null;
  }

  /**
   * The principal of a TLS client: `User:<mapped DN>` from its certificate subject (a Node
   * `X509Certificate.subject` string), ANONYMOUS without a certificate, null when no rule maps it.
   */
  principalOf(certificateSubject: string | null | undefined): Principal | null {
    if (certificateSubject === null || certificateSubject === undefined || certificateSubject === '') return ANONYMOUS;
    const name = this.map(rfc2253(certificateSubject));
    return name === null ? null : userPrincipal(name);
  }
}

function parseRules(text: string): Rule[] {
  const rules: Rule[] = [];
  let i = 0;
  const bad = (why: string): SecurityError => new SecurityError(SecurityErrorCode.CONFIG, `ssl.principal.mapping.rules: ${why} in '${text}'. Write RULE:pattern/replacement/[L|U] or DEFAULT, separated by commas.`);
  /** Reads up to the next unescaped '/', keeping escapes (the regex needs them). */
  const until = (): string => {
    let out = '';
    while (i < text.length && text[i] !== '/') {
      if (text[i] === '\\' && i + 1 < text.length) out += text[i++];
      out += text[i++];
    }
    if (text[i] !== '/') throw bad('a RULE lacks its closing /');
    i++;
    return out;
  };
  while (i < text.length) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (i >= text.length) break;
    if (text.startsWith('DEFAULT', i)) {
      rules.push({ kind: 'default' });
      i += 'DEFAULT'.length;
    } else if (text.startsWith('RULE:', i)) {
      i += 'RULE:'.length;
      const source = until();
      const replacement = until().replace(/\\(.)/g, '$1');
      const caseMode = text[i] === 'L' || text[i] === 'U' ? (text[i++] as 'L' | 'U') : '';
      let pattern: RegExp;
      try {
        pattern = new RegExp(source, 'g');
      } catch (err) {
        throw bad(`pattern '${source}' is not a valid regular expression (${(err as Error).message})`);
      }
      rules.push({ kind: 'rule', pattern, source, replacement, caseMode });
    } else {
      throw bad(`unexpected '${text.slice(i, i + 20)}'`);
    }
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (i < text.length && text[i] !== ',') throw bad(`unexpected '${text.slice(i, i + 20)}' after a rule`);
    i++;
  }
  if (rules.length === 0) throw bad('no rule');
  return rules;
}
