// Protobuf wire format: known byte sequences from the encoding guide, and reader/writer round trips.
import { describe, expect, it } from 'vitest';
import { ProtobufFormatError, ProtobufReader } from './protobuf-reader.ts';
import { ProtobufWriter, WIRE_TYPE } from './protobuf-writer.ts';

const bytes = (w: ProtobufWriter) => Array.from(w.finish());

describe('ProtobufWriter', () => {
  it.each([
    [0, [0x00]],
    [1, [0x01]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [150, [0x96, 0x01]],
    [300, [0xac, 0x02]],
    [2 ** 31, [0x80, 0x80, 0x80, 0x80, 0x08]],
    [2 ** 53 - 1, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]],
    // Negative int64 is 10 bytes of two's complement.
    [-1, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
    [-2, [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
  ])('varint %d', (value, expected) => {
    expect(bytes(new ProtobufWriter().varint(value))).toEqual(expected);
  });

  it('writes tagged fields as in the protobuf encoding guide', () => {
    // Test1 { a = 150 } -> 08 96 01; Test2 { b = "testing" } -> 12 07 74 65 73 74 69 6e 67
    expect(bytes(new ProtobufWriter().int(1, 150))).toEqual([0x08, 0x96, 0x01]);
    expect(bytes(new ProtobufWriter().string(2, 'testing'))).toEqual([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
    // Test3 { c: Test1 { a = 150 } } -> 1a 03 08 96 01
    expect(bytes(new ProtobufWriter().message(3, (m) => m.int(1, 150)))).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
    // float 1.0 in field 2: fixed32 wire type 5, little-endian IEEE 754.
    expect(bytes(new ProtobufWriter().float(2, 1))).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    // Field 20 needs a two-byte tag: (20 << 3) | 0 = 160.
    expect(bytes(new ProtobufWriter().int(20, 7))).toEqual([0xa0, 0x01, 0x07]);
  });

  it('grows past its initial buffer', () => {
    const payload = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    const out = new ProtobufWriter().bytes(9, payload).finish();
    expect(Array.from(out.subarray(0, 3))).toEqual([0x4a, 0xe8, 0x07]);
    expect(out.subarray(3)).toEqual(payload);
  });

  it('rejects unsafe integers instead of silently rounding them', () => {
    expect(() => new ProtobufWriter().varint(2 ** 60)).toThrow(`varint must be a safe integer; got ${2 ** 60}`);
  });
});

describe('ProtobufReader', () => {
  it('reads back every field kind the writer produces', () => {
    const w = new ProtobufWriter().int(1, -5).int(2, 2 ** 40).float(3, -0.5).string(4, 'héllo').message(5, (m) => m.int(1, 150));
    const r = new ProtobufReader(w.finish());
    const seen: unknown[] = [];
    while (!r.done()) {
      const { field, wireType } = r.tag();
      if (field === 1 || field === 2) seen.push(r.int());
      else if (field === 3) seen.push(r.float());
      else if (field === 4) seen.push(r.string());
      else if (field === 5) {
        const inner = r.message();
        inner.tag();
        seen.push({ inner: inner.int() });
      } else r.skip(wireType);
    }
    expect(seen).toEqual([-5, 2 ** 40, -0.5, 'héllo', { inner: 150 }]);
  });

  it('accepts repeated ints both unpacked (proto2) and packed', () => {
    const unpacked = new ProtobufReader(new ProtobufWriter().int(8, 3).int(8, -1).finish());
    const values: number[] = [];
    while (!unpacked.done()) values.push(...unpacked.ints(unpacked.tag().wireType));
    expect(values).toEqual([3, -1]);
    const packedBody = new ProtobufWriter().varint(3).varint(300).finish();
    const packed = new ProtobufReader(new ProtobufWriter().bytes(8, packedBody).finish());
    const { wireType } = packed.tag();
    expect(wireType).toBe(WIRE_TYPE.lengthDelimited);
    expect(packed.ints(wireType)).toEqual([3, 300]);
  });

  it('fails on truncated input', () => {
    expect(() => new ProtobufReader(Uint8Array.of(0x80)).int()).toThrow(ProtobufFormatError);
    expect(() => new ProtobufReader(Uint8Array.of(0x12, 0x05, 0x61)).bytesView()).toThrow(ProtobufFormatError);
  });
});
