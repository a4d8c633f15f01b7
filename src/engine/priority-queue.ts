/** A binary max-heap keyed by a number; ties go to the smaller sequence (first in, first out). */
export class PriorityQueue<T> {
  private readonly items: { value: T; priority: number; order: number }[] = [];
  private counter = 0;

  get size(): number {
    return this.items.length;
  }

  push(value: T, priority: number): void {
    const items = this.items;
    items.push({ value, priority, order: this.counter++ });
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(index, parent)) break;
      [items[index], items[parent]] = [items[parent] as (typeof items)[number], items[index] as (typeof items)[number]];
      index = parent;
    }
  }

  peek(): T | undefined {
    return this.items[0]?.value;
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined) return undefined;
    if (items.length > 0) {
      items[0] = last;
      let index = 0;
      for (;;) {
        const left = index * 2 + 1;
        const right = left + 1;
        let best = index;
        if (left < items.length && this.before(left, best)) best = left;
        if (right < items.length && this.before(right, best)) best = right;
        if (best === index) break;
        [items[index], items[best]] = [items[best] as (typeof items)[number], items[index] as (typeof items)[number]];
        index = best;
      }
    }
    return top.value;
  }

  private before(a: number, b: number): boolean {
    const left = this.items[a] as { priority: number; order: number };
    const right = this.items[b] as { priority: number; order: number };
    return left.priority > right.priority || (left.priority === right.priority && left.order < right.order);
  }
}
