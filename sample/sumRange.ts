/** A TypeScript file to try Quorum on: sumRange has an off-by-one. Select it and ask the models to fix it. */

/** The sum of the whole numbers from `from` to `to`, both included. */
function sumRange(from: number, to: number): number {
  let total = 0;
  for (let i = from; i < to; i++) total += i;
  return total;
}

console.log(sumRange(1, 10)); // should print 55
