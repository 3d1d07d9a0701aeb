import { BROKER_CONFIGS } from './broker-configs.ts';
import { ConfigSource, ConfigType } from './config-types.ts';
import type { BrokerSettings, DynamicScope } from './broker-settings.ts';
import type { ConfigEntry } from './describe-topic.ts';

/**
 * The broker resource as Kafka's DescribeConfigs gives it, under broker config names. For this
 * broker (scope 'broker', resource name = node id): every config with its effective value,
 * read-only unless Kafka can change it at runtime. For the cluster default (scope 'cluster',
 * resource name ""): only the dynamic cluster-wide defaults that are set.
 */
export function describeBrokerConfigs(settings: BrokerSettings, scope: DynamicScope, includeSynonyms: boolean, includeDocumentation: boolean): ConfigEntry[] {
  const names = scope === 'broker' ? Object.keys(BROKER_CONFIGS) : Object.keys(settings.dynamicConfigs('cluster'));
  return names.map((name) => {
    const def = BROKER_CONFIGS[name]!;
    const synonyms = settings.synonyms(name, scope);
    const configSource = synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG;
    return {
      name,
      value: scope === 'broker' ? settings.value(name) : (settings.dynamicConfigs('cluster')[name] ?? null),
      readOnly: !def.dynamic,
      isDefault: configSource === ConfigSource.DEFAULT_CONFIG,
      configSource,
      isSensitive: false,
      synonyms: includeSynonyms ? synonyms : [],
      configType: ConfigType[def.type],
      documentation: includeDocumentation ? def.doc : null,
    };
  });
}
