// A minimal protobuf wire-format writer: varints, fixed32 and length-delimited fields, nothing more.

/** Wire types of the protobuf encoding (https://protobuf.dev/programming-guides/encoding/). */
export const WIRE_TYPE = Object.freeze({ varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 });

const TEXT = new TextEncoder();

/**
 * Appends protobuf fields to a growing byte buffer. Nested messages are encoded by a separate
 * writer and added with `bytes()`; ONNX messages are small enough that the copy does not matter.
 */
export class ProtobufWriter {
  private buffer = new Uint8Array(256);
  private length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }

  /**
   * Raw varint of a non-negative or negative integer. Negative values are written as their 64-bit
   * two's complement (10 bytes), which is how int32/int64 fields carry them.
   */
  varint(value: number | bigint): this {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 2 ** 31) {
      this.reserve(5);
      let v = value;
      while (v >= 0x80) {
        this.buffer[this.length++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      this.buffer[this.length++] = v;
      return this;
    }
    if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`varint must be a safe integer; got ${value}`);
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (v >= 0x80n) {
      this.buffer[this.length++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buffer[this.length++] = Number(v);
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  /** An int32/int64/enum field. */
  int(field: number, value: number | bigint): this {
    return this.tag(field, WIRE_TYPE.varint).varint(value);
  }

  /** A float field (fixed32, little-endian). */
  float(field: number, value: number): this {
    this.tag(field, WIRE_TYPE.fixed32);
    this.reserve(4);
    new DataView(this.buffer.buffer, this.buffer.byteOffset).setFloat32(this.length, value, true);
    this.length += 4;
    return this;
  }

  /** A bytes or embedded-message field. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_TYPE.lengthDelimited).varint(value.length);
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, TEXT.encode(value));
  }

  /** An embedded message written by `write` into its own writer. */
  message(field: number, write: (w: ProtobufWriter) => void): this {
    const inner = new ProtobufWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  /** The bytes written so far (a copy sized exactly). */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
