// Test helper: the few protobuf wire-format encoders needed to hand-build a tiny ONNX file.

/** Append-only protobuf message builder (varint and length-delimited fields only). */
export class ProtobufWriter {
  private readonly bytes: number[] = [];

  private varint(value: number): void {
    // Non-negative integers below 2^53 only, which is all a test graph needs.
    let v = value;
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
  }

  private tag(field: number, wireType: 0 | 2): void {
    this.varint(field * 8 + wireType);
  }

  int(field: number, value: number): this {
    this.tag(field, 0);
    this.varint(value);
    return this;
  }

  bytesField(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.varint(value.length);
    for (const b of value) this.bytes.push(b);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: ProtobufWriter) => void): this {
    const inner = new ProtobufWriter();
    build(inner);
    return this.bytesField(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}
