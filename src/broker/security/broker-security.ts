import type { Clock } from '../../util/clock.ts';
import { AclStore } from './acl/acl-store.ts';
import { Authorizer, parseSuperUsers, type Session } from './acl/authorizer.ts';
import { DenialLog, type DenialSink } from './acl/denial-log.ts';
import { RequestAuthorizer } from './acl/request-authorizer.ts';
import { CredentialStore } from './credentials/credential-store.ts';
import { readPlainUsersFile } from './credentials/plain-users-file.ts';
import { ScramCredentialStore } from './credentials/scram-credential-store.ts';
import { SaslAuthenticator } from './sasl/authenticator.ts';
import { SASL_MECHANISMS, type SaslMechanismName } from './sasl/mechanism.ts';
import { PrincipalMapper } from './tls/principal-mapper.ts';

/** The broker's security settings (Kafka's names in the comments). */
export interface BrokerSecurityOptions {
  readonly dataDir: string;
  readonly clock: Clock;
  /** Where denied actions are logged (the broker's pino logger). */
  readonly log: DenialSink;
  /** `--sasl-users FILE`: development users (PLAIN, and SCRAM derived from the password). */
  readonly saslUsersFile?: string;
  /** ACL authorization (`authorizer.class.name`); absent or false: everything is allowed and the ACL APIs answer SECURITY_DISABLED. */
  readonly authorizer?:
    | false
    | {
        /** `super.users`: a list, or Kafka's `User:a;User:b` text. */
        readonly superUsers?: readonly string[] | string;
        /** `allow.everyone.if.no.acl.found`. Default false. */
        readonly allowEveryoneIfNoAclFound?: boolean;
      };
  /** `sasl.enabled.mechanisms` (default all three), `connections.max.reauth.ms`, `connection.failed.authentication.delay.ms`. */
  readonly sasl?: { readonly mechanisms?: readonly SaslMechanismName[]; readonly maxReauthMs?: number; readonly failedAuthenticationDelayMs?: number };
  /** `ssl.principal.mapping.rules`. Default `DEFAULT`. */
  readonly sslPrincipalMappingRules?: string;
}

/**
 * The security pieces of one broker, opened from its data dir and settings: the credential store
 * (SCRAM credentials + development users), the authorizer (ACLs + super users) with its denial
 * log, and the TLS principal mapper. The connection layer makes one SASL authenticator per SASL
 * connection and one RequestAuthorizer per request (see docs/internals/security.md).
 */
export class BrokerSecurity {
  readonly credentials: CredentialStore;
  readonly authorizer: Authorizer | null;
  readonly principalMapper: PrincipalMapper;
  readonly #o: BrokerSecurityOptions;
  readonly #denials: DenialLog;

  private constructor(o: BrokerSecurityOptions, credentials: CredentialStore, authorizer: Authorizer | null, mapper: PrincipalMapper) {
    this.#o = o;
    this.credentials = credentials;
    this.authorizer = authorizer;
    this.principalMapper = mapper;
    this.#denials = new DenialLog(o.log, o.clock);
  }

  /** Reads the persisted state and checks the settings; throws SecurityError (SLUICE_SECURITY_*) when something is wrong. */
  static open(o: BrokerSecurityOptions): BrokerSecurity {
    const mapper = new PrincipalMapper(o.sslPrincipalMappingRules ?? 'DEFAULT');
    const plain = o.saslUsersFile === undefined ? new Map<string, string>() : readPlainUsersFile(o.saslUsersFile);
    const credentials = new CredentialStore(ScramCredentialStore.open(o.dataDir), plain);
    let authorizer: Authorizer | null = null;
    if (o.authorizer) {
      const su = o.authorizer.superUsers;
      const superUsers = typeof su === 'string' ? parseSuperUsers(su) : su === undefined ? [] : parseSuperUsers(su.join(';'));
      authorizer = new Authorizer({ store: AclStore.open(o.dataDir), superUsers, allowEveryoneIfNoAclFound: o.authorizer.allowEveryoneIfNoAclFound ?? false });
    }
    return new BrokerSecurity(o, credentials, authorizer, mapper);
  }

  /** The SASL state machine of a new connection on a SASL listener. */
  newSaslAuthenticator(): SaslAuthenticator {
    const s = this.#o.sasl ?? {};
    return new SaslAuthenticator({
      mechanisms: s.mechanisms ?? SASL_MECHANISMS,
      credentials: this.credentials,
      clock: this.#o.clock,
      ...(s.maxReauthMs !== undefined && { maxReauthMs: s.maxReauthMs }),
      ...(s.failedAuthenticationDelayMs !== undefined && { failedAuthenticationDelayMs: s.failedAuthenticationDelayMs }),
    });
  }

  /** What a handler uses to check one request of `session`. */
  requestAuthorizer(session: Session, api: string): RequestAuthorizer {
    return new RequestAuthorizer(this.authorizer, session, api, this.#denials);
  }
}
