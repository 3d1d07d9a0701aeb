// murmur2 lives in src/util (the Kafka substrate hashes keys with it too); re-exported for existing imports.
export { murmur2, murmur2Ascii } from '../../util/murmur2.ts';
