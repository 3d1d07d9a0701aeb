/** The primitive identity of a namespace inside a state table (Map key). */
export type NamespaceKey = string | number;

/**
 * Maps namespace objects (a window, or the void namespace of non-windowed state) to a primitive
 * identity, and to/from a portable form for snapshots.
 */
export interface NamespaceSerializer<N> {
  key(ns: N): NamespaceKey;
  toJSON(ns: N): unknown;
  fromJSON(json: unknown): N;
}

/** The single namespace of state that is not scoped by a window. */
export const VOID_NAMESPACE: unique symbol = Symbol('VoidNamespace');
export type VoidNamespace = typeof VOID_NAMESPACE;

export const voidNamespaceSerializer: NamespaceSerializer<VoidNamespace> = {
  key: () => 0,
  toJSON: () => null,
  fromJSON: () => VOID_NAMESPACE,
};
