/** Receives the outputs of a function (flatMap, process, window functions). */
export interface Collector<T> {
  collect(value: T): void;
}
