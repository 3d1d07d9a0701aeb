import { ConfigSource, ConfigType } from './config-types.ts';
import { TOPIC_CONFIGS } from './topic-configs.ts';
import type { BrokerSettings } from './broker-settings.ts';
import type { DescribeConfigsResponse } from '../../protocol/messages/describe-configs.ts';

/** One DescribeConfigs entry. */
export type ConfigEntry = DescribeConfigsResponse['results'][number]['configs'][number];

/**
 * Every topic config of a topic as Kafka's DescribeConfigs gives it: the effective value; the
 * source (the topic's own setting, a broker config, or the default); its synonyms (the topic
 * setting, then the broker configs that default it, layer by layer); never read-only.
 */
export function describeTopicConfigs(
  settings: BrokerSettings,
  overrides: Readonly<Record<string, string>>,
  includeSynonyms: boolean,
  includeDocumentation: boolean,
): ConfigEntry[] {
  const brokerDefaults = settings.topicDefaults();
  return Object.entries(TOPIC_CONFIGS).map(([name, def]) => {
    const value = overrides[name] ?? brokerDefaults[name] ?? def.default;
    const fromBroker = def.synonyms.length > 0 ? settings.synonyms(def.synonyms[0]!.name) : [];
    const all = name in overrides ? [{ name, value, source: ConfigSource.DYNAMIC_TOPIC_CONFIG }, ...fromBroker] : fromBroker;
    const configSource = all[0]?.source ?? ConfigSource.DEFAULT_CONFIG;
    return {
      name,
      value,
      readOnly: false,
      isDefault: configSource === ConfigSource.DEFAULT_CONFIG,
      configSource,
      isSensitive: false,
      synonyms: includeSynonyms ? all : [],
      configType: ConfigType[def.type],
      documentation: includeDocumentation ? def.doc : null,
    };
  });
}
