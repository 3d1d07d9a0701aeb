import type { RequestContext } from '../broker-context.ts';
import type { DescribeConfigsRequest } from '../../protocol/messages/describe-configs.ts';
import type { AlterConfigsRequest } from '../../protocol/messages/alter-configs.ts';
import type { IncrementalAlterConfigsRequest } from '../../protocol/messages/incremental-alter-configs.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { TOPIC_CONFIG_DEFS } from '../log/topic-config.ts';
import { CONFIG_SOURCE } from './create-topics.ts';
import { topicErrorCode } from './topic-errors.ts';

const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;
const CONFIG_TYPE_STRING = 2;

/** DescribeConfigs: every known topic config with its source; broker resources list defaults. */
export function handleDescribeConfigs(ctx: RequestContext, req: DescribeConfigsRequest): object {
  const { broker } = ctx;
  return {
    throttleTimeMs: 0,
    results: req.resources.map((r) => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      let entries: Array<{ name: string; value: string; isDefault: boolean; readOnly: boolean }>;
      if (r.resourceType === RESOURCE_TOPIC) {
        const topic = broker.logs.topic(r.resourceName);
        if (!topic) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic ${r.resourceName} does not exist`, configs: [] };
        entries = topic.config.describe();
      } else if (r.resourceType === RESOURCE_BROKER) {
        entries = Object.entries(TOPIC_CONFIG_DEFS).map(([name, def]) => ({ name, value: def.default, isDefault: true, readOnly: true }));
      } else {
        return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `resource type ${r.resourceType} is not supported`, configs: [] };
      }
      const keys = r.configurationKeys;
      return {
        ...base,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        configs: entries
          .filter((e) => keys === null || keys.includes(e.name))
          .map((e) => {
            const source = e.isDefault ? CONFIG_SOURCE.DEFAULT : CONFIG_SOURCE.DYNAMIC_TOPIC;
            return {
              name: e.name,
              value: e.value,
              readOnly: e.readOnly,
              isDefault: e.isDefault,
              configSource: source,
              isSensitive: false,
              synonyms: req.includeSynonyms ? [{ name: e.name, value: e.value, source }] : [],
              configType: CONFIG_TYPE_STRING,
              documentation: null,
            };
          }),
      };
    }),
  };
}

/** AlterConfigs: replaces a topic's whole set of overrides. */
export function handleAlterConfigs(ctx: RequestContext, req: AlterConfigsRequest): object {
  return {
    throttleTimeMs: 0,
    responses: req.resources.map((r) =>
      alterTopic(ctx, r.resourceType, r.resourceName, () => {
        const next: Record<string, string> = {};
        for (const c of r.configs) if (c.value !== null) next[c.name] = c.value;
        return next;
      }, req.validateOnly),
    ),
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
    responses: req.resources.map((r) =>
      alterTopic(ctx, r.resourceType, r.resourceName, (current) => {
        const next = { ...current };
        for (const c of r.configs) {
          const list = (next[c.name] ?? TOPIC_CONFIG_DEFS[c.name]?.default ?? '').split(',').filter(Boolean);
          const items = (c.value ?? '').split(',').filter(Boolean);
          if (c.configOperation === OP_SET) next[c.name] = c.value ?? '';
          else if (c.configOperation === OP_DELETE) delete next[c.name];
          else if (c.configOperation === OP_APPEND) next[c.name] = [...list, ...items.filter((i) => !list.includes(i))].join(',');
          else if (c.configOperation === OP_SUBTRACT) next[c.name] = list.filter((i) => !items.includes(i)).join(',');
          else throw new RangeError(`unknown config operation ${c.configOperation}`);
        }
        return next;
      }, req.validateOnly),
    ),
  };
}

function alterTopic(
  ctx: RequestContext,
  resourceType: number,
  resourceName: string,
  compute: (current: Record<string, string>) => Record<string, string>,
  validateOnly: boolean,
): object {
  const base = { resourceType, resourceName };
  if (resourceType !== RESOURCE_TOPIC) {
    return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'only topic configs can be altered on this broker' };
  }
  const topic = ctx.broker.logs.topic(resourceName);
  if (!topic) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic ${resourceName} does not exist` };
  try {
    ctx.broker.logs.setConfigs(resourceName, compute({ ...topic.config.overrides }), validateOnly);
    return { ...base, errorCode: ErrorCode.NONE, errorMessage: null };
  } catch (err) {
    if (err instanceof RangeError) return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: err.message };
    return { ...base, ...topicErrorCode(err) };
  }
}
