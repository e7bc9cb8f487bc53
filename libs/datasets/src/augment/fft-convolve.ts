// Fast convolution by FFT: applying a room's half-second impulse response to a clip directly costs ~100x more.

interface FftPlan {
  readonly size: number;
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  readonly reversed: Uint32Array;
}

const plans = new Map<number, FftPlan>();

function plan(size: number): FftPlan {
  let p = plans.get(size);
  if (p === undefined) {
    const bits = Math.log2(size);
    const cos = new Float64Array(size / 2);
    const sin = new Float64Array(size / 2);
    for (let k = 0; k < size / 2; k++) {
      cos[k] = Math.cos((2 * Math.PI * k) / size);
      sin[k] = -Math.sin((2 * Math.PI * k) / size);
    }
    const reversed = new Uint32Array(size);
    for (let i = 0; i < size; i++) {
      let r = 0;
      for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
      reversed[i] = r;
    }
    p = { size, cos, sin, reversed };
    if (plans.size > 8) plans.clear();
    plans.set(size, p);
  }
  return p;
}

/** In-place forward DFT (e^-2πikn/N) of re + i·im, radix-2 decimation in time, length a power of two. */
function fft(re: Float64Array, im: Float64Array, p: FftPlan): void {
  const n = p.size;
  for (let i = 0; i < n; i++) {
    const j = p.reversed[i] as number;
    if (j > i) {
      const r = re[i] as number;
      re[i] = re[j] as number;
      re[j] = r;
      const m = im[i] as number;
      im[i] = im[j] as number;
      im[j] = m;
    }
  }
  const cos = p.cos;
  const sin = p.sin;
  let m = 1;
  if (Math.log2(n) % 2 === 1) {
    // An odd number of radix-2 stages: do the first alone (twiddle 1), the rest two at a time.
    for (let a = 0; a < n; a += 2) {
      const br = re[a + 1] as number;
      const bi = im[a + 1] as number;
      re[a + 1] = (re[a] as number) - br;
      im[a + 1] = (im[a] as number) - bi;
      re[a] = (re[a] as number) + br;
      im[a] = (im[a] as number) + bi;
    }
    m = 2;
  }
  // Two radix-2 stages fused (sizes 2m and 4m) per pass: half the passes over memory, and the
  // second stage's odd twiddle is -i times its even one, saving a multiply in four.
  for (; m < n; m *= 4) {
    const len = 4 * m;
    const stride1 = n / (2 * m);
    const stride2 = n / len;
    for (let k = 0; k < m; k++) {
      const w1r = cos[k * stride1] as number;
      const w1i = sin[k * stride1] as number;
      const w2r = cos[k * stride2] as number;
      const w2i = sin[k * stride2] as number;
      for (let i0 = k; i0 < n; i0 += len) {
        const i1 = i0 + m;
        const i2 = i1 + m;
        const i3 = i2 + m;
        const x0r = re[i0] as number;
        const x0i = im[i0] as number;
        const x1r = re[i1] as number;
        const x1i = im[i1] as number;
        const x2r = re[i2] as number;
        const x2i = im[i2] as number;
        const x3r = re[i3] as number;
        const x3i = im[i3] as number;
        // Stage of size 2m on the pairs (x0, x1) and (x2, x3).
        let tr = w1r * x1r - w1i * x1i;
        let ti = w1r * x1i + w1i * x1r;
        const a0r = x0r + tr;
        const a0i = x0i + ti;
        const a1r = x0r - tr;
        const a1i = x0i - ti;
        tr = w1r * x3r - w1i * x3i;
        ti = w1r * x3i + w1i * x3r;
        const b0r = x2r + tr;
        const b0i = x2i + ti;
        const b1r = x2r - tr;
        const b1i = x2i - ti;
        // Stage of size 4m: w2 joins a0 with b0; -i·w2 joins a1 with b1.
        tr = w2r * b0r - w2i * b0i;
        ti = w2r * b0i + w2i * b0r;
        re[i0] = a0r + tr;
        im[i0] = a0i + ti;
        re[i2] = a0r - tr;
        im[i2] = a0i - ti;
        tr = w2r * b1i + w2i * b1r;
        ti = -(w2r * b1r - w2i * b1i);
        re[i1] = a1r + tr;
        im[i1] = a1i + ti;
        re[i3] = a1r - tr;
        im[i3] = a1i - ti;
      }
    }
  }
}

/**
 * The first `length` samples of the linear convolution of `a` and `b` (float64 arithmetic). Both
 * real inputs share one complex FFT (a as the real part, b as the imaginary part) of the next power
 * of two at or above `a.length + b.length - 1`, and the real result needs one FFT of half that size.
 *
 * @example fftConvolve(clip, impulseResponse, clip.length) // the clip in the room, tail cut at the clip's end
 */
export function fftConvolve(a: Float32Array, b: Float32Array, length: number): Float32Array {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`fftConvolve() length must be a non-negative integer; got ${length}`);
  if (a.length === 0 || b.length === 0) return new Float32Array(length);
  // At least 2, so the half-size inverse below has a sample to work on.
  let size = 2;
  while (size < a.length + b.length - 1) size <<= 1;
  const p = plan(size);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  re.set(a);
  im.set(b);
  fft(re, im, p);
  // Z = A + iB holds both spectra: A[k] = (Z[k] + conj Z[-k]) / 2, B[k] = (Z[k] - conj Z[-k]) / 2i.
  const spectrum = (k: number): [number, number] => {
    const m = (size - k) & (size - 1);
    const zr = re[k] as number;
    const zi = im[k] as number;
    const yr = re[m] as number;
    const yi = im[m] as number;
    const ar = (zr + yr) / 2;
    const ai = (zi - yi) / 2;
    const br = (zi + yi) / 2;
    const bi = (yr - zr) / 2;
    return [ar * br - ai * bi, ar * bi + ai * br];
  };
  // The product C = A·B is a real signal's spectrum, so its inverse takes one half-size FFT: the
  // even output samples come out as the real part and the odd ones as the imaginary part.
  const half = size >> 1;
  const q = plan(Math.max(1, half));
  const hr = new Float64Array(half);
  const hi = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    const [c1r, c1i] = spectrum(k);
    const [c2r, c2i] = spectrum(k + half);
    const er = c1r + c2r;
    const ei = c1i + c2i;
    const dr = c1r - c2r;
    const di = c1i - c2i;
    // (dr + i di) · e^(+2πik/size); the table holds cos and -sin of 2πk/size.
    const c = p.cos[k] as number;
    const sn = -(p.sin[k] as number);
    const or = dr * c - di * sn;
    const oi = dr * sn + di * c;
    // Conjugated, so the forward FFT below computes the inverse (ifft(X) = conj(fft(conj X)) / N).
    hr[k] = er - oi;
    hi[k] = -(ei + or);
  }
  fft(hr, hi, q);
  const out = new Float32Array(length);
  const n = Math.min(length, size);
  for (let i = 0; i < n; i++) out[i] = (i & 1 ? -(hi[i >> 1] as number) : (hr[i >> 1] as number)) / size;
  return out;
}
