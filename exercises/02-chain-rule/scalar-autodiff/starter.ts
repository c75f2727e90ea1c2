/**
 * A scalar that remembers how it was computed, so that backward() can apply the chain rule.
 * Every operation returns a NEW Value; a plain number may be passed wherever a Value is (v.add(3)).
 * Checked by: every check (the forward ones read .data, the others .grad after backward()).
 */
export class Value {
  data: number;
  grad = 0;

  constructor(data: number) {
    this.data = data;
  }

  add(o: Value | number): Value {
    // TODO: this + o
    return new Value(0);
  }

  sub(o: Value | number): Value {
    // TODO: this - o
    return new Value(0);
  }

  mul(o: Value | number): Value {
    // TODO: this * o
    return new Value(0);
  }

  div(o: Value | number): Value {
    // TODO: this / o
    return new Value(0);
  }

  neg(): Value {
    // TODO: -this
    return new Value(0);
  }

  pow(k: number): Value {
    // TODO: this ** k (k is a plain number)
    return new Value(0);
  }

  exp(): Value {
    // TODO
    return new Value(0);
  }

  log(): Value {
    // TODO: natural log
    return new Value(0);
  }

  tanh(): Value {
    // TODO
    return new Value(0);
  }

  relu(): Value {
    // TODO: max(0, this); derivative 0 at 0
    return new Value(0);
  }

  sigmoid(): Value {
    // TODO: 1 / (1 + exp(-this))
    return new Value(0);
  }

  backward(): void {
    // TODO: this.grad = 1, then every Value this one depends on gets d(this)/d(that Value) in its grad
  }
}
