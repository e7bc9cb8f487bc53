// A minimal protobuf wire-format reader: walks the fields of one message, skipping what it does not know.

import { WIRE_TYPE } from './protobuf-writer.ts';

/** A malformed buffer; the decoder turns it into a BadFileError naming the file or source. */
export class ProtobufFormatError extends Error {}

const TEXT = new TextDecoder('utf-8', { fatal: true });

/** Reads fields of one message in order: `while (!r.done()) { const { field, wireType } = r.tag(); ... }`. */
export class ProtobufReader {
  private readonly bytes: Uint8Array;
  private pos: number;

  constructor(
    bytes: Uint8Array,
    start = 0,
    private readonly end = bytes.length,
  ) {
    // A Node Buffer (what readFile returns) is a Uint8Array whose slice() is a view, not a copy;
    // re-viewing it as a plain Uint8Array (no copy) gives every sub-view standard TypedArray
    // semantics, so tensor data never aliases or spans the caller's whole file buffer.
    this.bytes = bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint as a bigint (64-bit, unsigned). */
  varintBig(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) throw new ProtobufFormatError('truncated varint');
      const byte = this.bytes[this.pos++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new ProtobufFormatError('varint longer than 10 bytes');
    }
  }

  /** A varint read as a signed 64-bit integer, returned as a number (must be a safe integer). */
  int(): number {
    const v = BigInt.asIntN(64, this.varintBig());
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new ProtobufFormatError(`integer ${v} exceeds 2^53`);
    return Number(v);
  }

  tag(): { field: number; wireType: number } {
    const key = this.int();
    return { field: Math.floor(key / 8), wireType: key & 7 };
  }

  float(): number {
    if (this.pos + 4 > this.end) throw new ProtobufFormatError('truncated fixed32');
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset).getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A length-delimited payload, as a view into the buffer. */
  bytesView(): Uint8Array {
    const length = this.int();
    if (length < 0 || this.pos + length > this.end) throw new ProtobufFormatError('length-delimited field runs past the end');
    const view = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return view;
  }

  string(): string {
    return TEXT.decode(this.bytesView());
  }

  /** A reader over an embedded message. */
  message(): ProtobufReader {
    const view = this.bytesView();
    return new ProtobufReader(view);
  }

  /**
   * A repeated varint field's values: proto2 writers repeat the tag (unpacked), proto3 and some
   * proto2 writers pack them into one length-delimited run; parsers must accept both.
   */
  ints(wireType: number): number[] {
    if (wireType === WIRE_TYPE.varint) return [this.int()];
    const inner = this.message();
    const out: number[] = [];
    while (!inner.done()) out.push(inner.int());
    return out;
  }

  /**
   * A repeated int64 field's values as bigints, packed or not: int64_data may hold values past
   * 2^53 (INT64_MAX as a Slice end is common), which `ints` would have to reject.
   */
  bigints(wireType: number): bigint[] {
    if (wireType === WIRE_TYPE.varint) return [BigInt.asIntN(64, this.varintBig())];
    const inner = this.message();
    const out: bigint[] = [];
    while (!inner.done()) out.push(BigInt.asIntN(64, inner.varintBig()));
    return out;
  }

  /** A repeated float field's values, packed or not. */
  floats(wireType: number): number[] {
    if (wireType === WIRE_TYPE.fixed32) return [this.float()];
    const inner = this.message();
    const out: number[] = [];
    while (!inner.done()) out.push(inner.float());
    return out;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_TYPE.varint:
        this.varintBig();
        return;
      case WIRE_TYPE.fixed64:
        this.pos += 8;
        break;
      case WIRE_TYPE.lengthDelimited:
        this.bytesView();
        return;
      case WIRE_TYPE.fixed32:
        this.pos += 4;
        break;
      default:
        throw new ProtobufFormatError(`unsupported wire type ${wireType}`);
    }
    if (this.pos > this.end) throw new ProtobufFormatError('field runs past the end');
  }
}
