// Mistake: backward visits the nodes breadth-first from the output, each once. A node reached by a short path and a longer one passes its gradient on before the longer path has added to it.
/** A scalar that remembers how it was computed, so that backward() can apply the chain rule. */
export class Value {
  data: number;
  grad = 0;
  /** The Values this one was computed from. */
  private prev: Value[];
  /** Adds this node's contribution to its parents' grads, given this.grad. */
  private backwardStep: () => void = () => {};

  constructor(data: number, prev: Value[] = []) {
    this.data = data;
    this.prev = prev;
  }

  private static of(x: Value | number): Value {
    return x instanceof Value ? x : new Value(x);
  }

  add(o: Value | number): Value {
    const other = Value.of(o);
    const out = new Value(this.data + other.data, [this, other]);
    out.backwardStep = () => {
      this.grad += out.grad;
      other.grad += out.grad;
    };
    return out;
  }

  mul(o: Value | number): Value {
    const other = Value.of(o);
    const out = new Value(this.data * other.data, [this, other]);
    out.backwardStep = () => {
      this.grad += other.data * out.grad;
      other.grad += this.data * out.grad;
    };
    return out;
  }

  pow(k: number): Value {
    const out = new Value(this.data ** k, [this]);
    out.backwardStep = () => {
      this.grad += k * this.data ** (k - 1) * out.grad;
    };
    return out;
  }

  neg(): Value {
    return this.mul(-1);
  }

  sub(o: Value | number): Value {
    return this.add(Value.of(o).neg());
  }

  div(o: Value | number): Value {
    return this.mul(Value.of(o).pow(-1));
  }

  exp(): Value {
    const out = new Value(Math.exp(this.data), [this]);
    out.backwardStep = () => {
      this.grad += out.data * out.grad;
    };
    return out;
  }

  log(): Value {
    const out = new Value(Math.log(this.data), [this]);
    out.backwardStep = () => {
      this.grad += out.grad / this.data;
    };
    return out;
  }

  tanh(): Value {
    const t = Math.tanh(this.data);
    const out = new Value(t, [this]);
    out.backwardStep = () => {
      this.grad += (1 - t * t) * out.grad;
    };
    return out;
  }

  relu(): Value {
    const out = new Value(Math.max(0, this.data), [this]);
    out.backwardStep = () => {
      this.grad += (this.data > 0 ? 1 : 0) * out.grad; // relu'(0) = 0
    };
    return out;
  }

  sigmoid(): Value {
    const s = 1 / (1 + Math.exp(-this.data));
    const out = new Value(s, [this]);
    out.backwardStep = () => {
      this.grad += s * (1 - s) * out.grad;
    };
    return out;
  }

  backward(): void {
    // Breadth-first from the output, each node once: not a topological order.
    this.grad = 1;
    const queue: Value[] = [this];
    const seen = new Set<Value>([this]);
    for (let k = 0; k < queue.length; k++) {
      const node = queue[k];
      node.backwardStep();
      for (const p of node.prev) {
        if (!seen.has(p)) {
          seen.add(p);
          queue.push(p);
        }
      }
    }
  }
}
