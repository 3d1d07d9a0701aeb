import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PrintSink, StreamExecutionEnvironment } from 'sluice';
import { formatRecord } from '../../src/api/sinks/print-format.ts';

test("print formats records like Flink's toString: tuples as (a,b), Java collection formats, JSON for plain objects", () => {
  assert.equal(formatRecord('hello world'), 'hello world');
  assert.equal(formatRecord(42), '42');
  assert.equal(formatRecord(1.5), '1.5');
  assert.equal(formatRecord(12345678901234567890n), '12345678901234567890');
  assert.equal(formatRecord(true), 'true');
  assert.equal(formatRecord(null), 'null');
  assert.equal(formatRecord(['hello', 1]), '(hello,1)');
  assert.equal(formatRecord(['a', ['b', 2], null]), '(a,(b,2),null)');
  assert.equal(formatRecord([]), '()');
  assert.equal(formatRecord(new Map([['a', 1], ['b', 2]])), '{a=1, b=2}');
  assert.equal(formatRecord(new Set(['x', 'y'])), '[x, y]');
  assert.equal(formatRecord({ user: 'a', n: 2, big: 3n }), '{"user":"a","n":2,"big":"3"}');
  assert.equal(formatRecord(['k', { n: 1 }]), '(k,{"n":1})');
  class Point {
    x = 1;
    y = 2;
    toString(): string {
      return `Point(${this.x}, ${this.y})`;
    }
  }
  assert.equal(formatRecord(new Point()), 'Point(1, 2)');
  assert.equal(formatRecord(new Date(0)), new Date(0).toString());
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.equal(formatRecord(cyclic), '[object Object]');
});

test('print(): word count lines as Flink prints them, with the 1-based subtask prefix when parallel', async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });
  const lines: string[] = [];
  env
    .fromElements('to be or not to be')
    .flatMap((l: string) => l.split(' '))
    .map((w): [string, number] => [w, 1])
    .keyBy((t) => t[0])
    .sum(1)
    .sinkTo(new PrintSink<[string, number]>(undefined, { write: (l) => void lines.push(l) }));
  await env.execute('wc');
  assert.equal(lines.length, 6);
  for (const l of lines) assert.match(l, /^[12]> \((to|be|or|not),[12]\)$/);
  assert.deepEqual(lines.map((l) => l.slice(3)).sort(), ['(be,1)', '(be,2)', '(not,1)', '(or,1)', '(to,1)', '(to,2)']);
  const one: string[] = [];
  const env1 = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
  env1.fromElements(['a', 1] as [string, number]).sinkTo(new PrintSink<[string, number]>('id', { write: (l) => void one.push(l) }));
  await env1.execute('one');
  assert.deepEqual(one, ['id> (a,1)'], 'a prefix, no subtask at parallelism 1');
});
