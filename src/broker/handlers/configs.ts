import type { RequestContext } from '../broker-context.ts';
import type { DescribeConfigsRequest } from '../../protocol/messages/describe-configs.ts';
import type { AlterConfigsRequest } from '../../protocol/messages/alter-configs.ts';
import type { IncrementalAlterConfigsRequest } from '../../protocol/messages/incremental-alter-configs.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { TOPIC_CONFIGS } from '../config/topic-configs.ts';
import { BROKER_CONFIGS } from '../config/broker-configs.ts';
import { BrokerConfigError, type DynamicScope } from '../config/broker-settings.ts';
import { describeTopicConfigs, type ConfigEntry } from '../config/describe-topic.ts';
import { describeBrokerConfigs } from '../config/describe-broker.ts';
import { validateTopicName } from '../log/log-manager.ts';
import { topicErrorCode } from './topic-errors.ts';

const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;

type Outcome = { errorCode: number; errorMessage: string | null };
const ok: Outcome = { errorCode: ErrorCode.NONE, errorMessage: null };

/** The scope a broker resource name addresses: "" the cluster default, the node id this broker. */
function brokerScope(ctx: RequestContext, name: string): DynamicScope | Outcome {
  if (name === '') return 'cluster';
  if (name === String(ctx.broker.nodeId)) return 'broker';
  return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `unexpected broker id ${name}: this broker is ${ctx.broker.nodeId} (or use "" for the cluster default)` };
}

/** DescribeConfigs of topics and of the broker, as Kafka answers it (KIP-226 synonyms, KIP-569 types). */
export function handleDescribeConfigs(ctx: RequestContext, req: DescribeConfigsRequest): object {
  const { broker } = ctx;
  return {
    throttleTimeMs: 0,
    results: req.resources.map((r) => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      const failed = (o: Outcome) => ({ ...base, ...o, configs: [] });
      let entries: ConfigEntry[];
      if (r.resourceType === RESOURCE_TOPIC) {
        try {
          validateTopicName(r.resourceName);
        } catch (err) {
          return failed(topicErrorCode(err));
        }
        const topic = broker.logs.topic(r.resourceName);
        if (!topic) return failed({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic ${r.resourceName} does not exist` });
        entries = describeTopicConfigs(broker.settings, topic.config.overrides, req.includeSynonyms, req.includeDocumentation);
      } else if (r.resourceType === RESOURCE_BROKER) {
        const scope = brokerScope(ctx, r.resourceName);
        if (typeof scope !== 'string') return failed(scope);
        entries = describeBrokerConfigs(broker.settings, scope, req.includeSynonyms, req.includeDocumentation);
      } else {
        return failed({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `resource type ${r.resourceType} is not supported by this broker (topics: 2, broker: 4)` });
      }
      // Kafka answers every config when no keys (null or none) are named.
      const keys = r.configurationKeys;
      const wanted = keys === null || keys.length === 0 ? entries : entries.filter((e) => keys.includes(e.name));
      return { ...base, ...ok, configs: wanted };
    }),
  };
}

/** AlterConfigs: replaces the whole set of a topic's overrides, or of the broker's dynamic configs. */
export function handleAlterConfigs(ctx: RequestContext, req: AlterConfigsRequest): object {
  return {
    throttleTimeMs: 0,
    responses: req.resources.map((r) => {
      const next: Record<string, string> = {};
      for (const c of r.configs) if (c.value !== null) next[c.name] = c.value;
      return { resourceType: r.resourceType, resourceName: r.resourceName, ...alter(ctx, r.resourceType, r.resourceName, () => next, req.validateOnly) };
    }),
  };
}

const OP_SET = 0;
const OP_DELETE = 1;
const OP_APPEND = 2;
const OP_SUBTRACT = 3;

/** IncrementalAlterConfigs: SET / DELETE / APPEND / SUBTRACT on single keys (KIP-339). */
export function handleIncrementalAlterConfigs(ctx: RequestContext, req: IncrementalAlterConfigsRequest): object {
  return {
    throttleTimeMs: 0,
    responses: req.resources.map((r) => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      const names = r.configs.map((c) => c.name);
      if (new Set(names).size !== names.length) return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'a config key appears more than once' };
      return {
        ...base,
        ...alter(ctx, r.resourceType, r.resourceName, (current, defaultOf, isList) => {
          const next = { ...current };
          for (const c of r.configs) {
            if (c.configOperation === OP_SET) next[c.name] = c.value ?? '';
            else if (c.configOperation === OP_DELETE) delete next[c.name];
            else if (c.configOperation === OP_APPEND || c.configOperation === OP_SUBTRACT) {
              if (!isList(c.name)) throw new BrokerConfigError('INVALID_CONFIG', `${c.name} is not a list: APPEND and SUBTRACT apply only to list configs`);
              const list = (next[c.name] ?? defaultOf(c.name) ?? '').split(',').filter(Boolean);
              const items = (c.value ?? '').split(',').filter(Boolean);
              next[c.name] = (c.configOperation === OP_APPEND ? [...list, ...items.filter((i) => !list.includes(i))] : list.filter((i) => !items.includes(i))).join(',');
            } else throw new BrokerConfigError('INVALID_REQUEST', `unknown config operation ${c.configOperation}`);
          }
          return next;
        }, req.validateOnly),
      };
    }),
  };
}

type Compute = (current: Record<string, string>, defaultOf: (name: string) => string | null, isList: (name: string) => boolean) => Record<string, string>;

function alter(ctx: RequestContext, resourceType: number, resourceName: string, compute: Compute, validateOnly: boolean): Outcome {
  const { broker } = ctx;
  try {
    if (resourceType === RESOURCE_TOPIC) {
      const topic = broker.logs.topic(resourceName);
      if (!topic) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic ${resourceName} does not exist` };
      const next = compute(
        { ...topic.config.overrides },
        (name) => topic.config.valueOf(name).value,
        (name) => TOPIC_CONFIGS[name]?.type === 'LIST',
      );
      broker.logs.setConfigs(resourceName, next, validateOnly);
      if (!validateOnly) broker.log.info({ topic: resourceName, configs: next }, 'altered topic configs');
      return ok;
    }
    if (resourceType === RESOURCE_BROKER) {
      const scope = brokerScope(ctx, resourceName);
      if (typeof scope !== 'string') return scope;
      const next = compute(
        { ...broker.settings.dynamicConfigs(scope) },
        (name) => broker.settings.value(name),
        (name) => BROKER_CONFIGS[name]?.type === 'LIST',
      );
      broker.settings.replace(scope, next, validateOnly);
      if (!validateOnly) broker.log.info({ scope, configs: next }, 'altered broker configs');
      return ok;
    }
    return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `resource type ${resourceType} cannot be altered on this broker (topics: 2, broker: 4)` };
  } catch (err) {
    if (err instanceof BrokerConfigError) return { errorCode: ErrorCode[err.kafkaError], errorMessage: err.message };
    return topicErrorCode(err);
  }
}
