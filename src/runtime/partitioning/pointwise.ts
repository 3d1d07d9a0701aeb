/**
 * Which downstream subtasks each upstream subtask feeds under `rescale()` (Flink's pointwise
 * pattern): with more senders than receivers, receiver j takes the contiguous block of senders
 * `[floor(j*U/D), floor((j+1)*U/D))`; with fewer, sender i feeds the receivers
 * `[floor(i*D/U), floor((i+1)*D/U))`. Returns the receivers of every sender.
 */
export function pointwiseTargets(senders: number, receivers: number): number[][] {
  const out: number[][] = Array.from({ length: senders }, () => []);
  if (senders >= receivers) {
    for (let j = 0; j < receivers; j++) {
      const from = Math.floor((j * senders) / receivers);
      const to = Math.floor(((j + 1) * senders) / receivers);
      for (let i = from; i < to; i++) out[i]!.push(j);
    }
  } else {
    for (let i = 0; i < senders; i++) {
      const from = Math.floor((i * receivers) / senders);
      const to = Math.floor(((i + 1) * receivers) / senders);
      for (let j = from; j < to; j++) out[i]!.push(j);
    }
  }
  return out;
}
