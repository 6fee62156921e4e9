package dev.tocsin.core.internal.expr;

/**
 * Go's trigonometric and hyperbolic functions ({@code math.Sin}, {@code Cos}, {@code Tan}, {@code Asin},
 * {@code Acos}, {@code Atan}, {@code Atan2}, {@code Sinh}, {@code Cosh}, {@code Tanh}), bit for bit, so that PromQL's
 * {@code sin} ... {@code tanh} and {@code atan2} give Prometheus' last digit (Java's {@code Math} differs for about a
 * quarter of inputs). They are S. Moshier's Cephes algorithms as Go implements them: reduction modulo pi/4 with pi/4
 * in three parts, or Payne-Hanek reduction ({@link #trigReduce}) from 2^29 on; rational approximations on the reduced
 * argument; the hyperbolic functions through {@link GoMath#exp}.
 */
final class GoTrig {

    private static final double PI4A = 7.85398125648498535156e-1;
    private static final double PI4B = 3.77489470793079817668e-8;
    private static final double PI4C = 2.69515142907905952645e-15;
    /** 4/pi, pi/2, pi/4 and 3pi/4 as Go's exact constant arithmetic rounds them. */
    private static final double FOUR_OVER_PI = 1.27323954473516268615107010698011489627567716592365;
    private static final double PI_2 = Math.PI / 2;
    private static final double PI_4 = Math.PI / 4;
    private static final double THREE_PI_4 = 2.35619449019234492884698253745962716314787704953132936573120844;
    /** Below it, the three-part reduction is exact enough; from it on, Payne-Hanek. */
    private static final double REDUCE_THRESHOLD = 0x1p29;

    private static final double[] SIN = {1.58962301576546568060e-10, -2.50507477628578072866e-8,
        2.75573136213857245213e-6, -1.98412698295895385996e-4, 8.33333333332211858878e-3,
        -1.66666666666666307295e-1};
    private static final double[] COS = {-1.13585365213876817300e-11, 2.08757008419747316778e-9,
        -2.75573141792967388112e-7, 2.48015872888517045348e-5, -1.38888888888730564116e-3,
        4.16666666666665929218e-2};
    private static final double[] TAN_P = {-1.30936939181383777646e4, 1.15351664838587416140e6,
        -1.79565251976484877988e7};
    private static final double[] TAN_Q = {1.00000000000000000000e0, 1.36812963470692954678e4,
        -1.32089234440210967447e6, 2.50083801823357915839e7, -5.38695755929454629881e7};
    private static final double[] TANH_P = {-9.64399179425052238628E-1, -9.92877231001918586564E1,
        -1.61468768441708447952E3};
    private static final double[] TANH_Q = {1.12811678491632931402E2, 2.23548839060100448583E3,
        4.84406305325125486048E3};

    /** The binary digits of 4/pi: 4/pi = sum of M_PI4[i] * 2^(-64 i). */
    private static final long[] M_PI4 = {0x0000000000000001L, 0x45f306dc9c882a53L, 0xf84eafa3ea69bb81L,
        0xb6c52b3278872083L, 0xfca2c757bd778ac3L, 0x6e48dc74849ba5c0L, 0x0c925dd413a32439L, 0xfc3bd63962534e7dL,
        0xd1046bea5d768909L, 0xd338e04d68befc82L, 0x7323ac7306a673e9L, 0x3908bf177bf25076L, 0x3ff12fffbc0b301fL,
        0xde5e2316b414da3eL, 0xda6cfd9e4f96136eL, 0x9e8c7ecd3cbfd45aL, 0xea4f758fd7cbe2f6L, 0x7a0e73ef14a525d4L,
        0xd7f6bf623f1aba10L, 0xac06608df8f6d757L};

    private GoTrig() {
    }

    /** The octant (0-7) and the reduced argument of a non-negative finite x, in {@code out[0]}; returns z. */
    private static double reduce(double x, long[] octant) {
        if (x >= REDUCE_THRESHOLD) {
            return trigReduce(x, octant);
        }
        long j = (long) (x * FOUR_OVER_PI);
        double y = j;
        if ((j & 1) == 1) { // map zeros to the origin
            j++;
            y++;
        }
        octant[0] = j & 7;
        return ((x - y * PI4A) - y * PI4B) - y * PI4C;
    }

    /** Go's {@code math.Sin}. */
    static double sin(double x) {
        return odd(x, (j, z) -> {
            boolean flip = j > 3; // reflect in the x axis
            long k = flip ? j - 4 : j;
            double zz = z * z;
            double y = k == 1 || k == 2 ? cosPoly(zz) : sinPoly(z, zz);
            return flip ? -y : y;
        });
    }

    /** A function of the octant and the reduced argument of |x| (see {@link #odd}). */
    @FunctionalInterface
    private interface OfReduced {
        double apply(long octant, double z);
    }

    /**
     * Go's frame for its odd functions {@code sin} and {@code tan}: 0, -0 and NaN give themselves, infinities NaN;
     * otherwise {@code f} of |x|'s reduction, negated for a negative x.
     */
    private static double odd(double x, OfReduced f) {
        if (x == 0 || Double.isNaN(x)) {
            return x;
        }
        if (Double.isInfinite(x)) {
            return Double.NaN;
        }
        boolean negative = x < 0;
        long[] o = new long[1];
        double z = reduce(negative ? -x : x, o);
        double y = f.apply(o[0], z);
        return negative ? -y : y;
    }

    /** Go's {@code math.Cos}. */
    static double cos(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return Double.NaN;
        }
        boolean sign = false;
        x = Math.abs(x);
        long[] o = new long[1];
        double z = reduce(x, o);
        long j = o[0];
        if (j > 3) {
            j -= 4;
            sign = !sign;
        }
        if (j > 1) {
            sign = !sign;
        }
        double zz = z * z;
        double y = j == 1 || j == 2 ? sinPoly(z, zz) : cosPoly(zz);
        return sign ? -y : y;
    }

    private static double sinPoly(double z, double zz) {
        return z + z * zz * ((((((SIN[0] * zz) + SIN[1]) * zz + SIN[2]) * zz + SIN[3]) * zz + SIN[4]) * zz + SIN[5]);
    }

    private static double cosPoly(double zz) {
        return 1.0 - 0.5 * zz + zz * zz * ((((((COS[0] * zz) + COS[1]) * zz + COS[2]) * zz + COS[3]) * zz + COS[4])
                * zz + COS[5]);
    }

    /** Go's {@code math.Tan}. */
    static double tan(double x) {
        // Go's tan does not take the octant modulo 8, but only tests its bit 1, which that keeps
        return odd(x, (j, z) -> {
            double zz = z * z;
            double y;
            if (zz > 1e-14) {
                y = z + z * (zz * (((TAN_P[0] * zz) + TAN_P[1]) * zz + TAN_P[2])
                        / ((((zz + TAN_Q[1]) * zz + TAN_Q[2]) * zz + TAN_Q[3]) * zz + TAN_Q[4]));
            } else {
                y = z;
            }
            return (j & 2) == 2 ? -1 / y : y;
        });
    }

    /**
     * Payne-Hanek reduction of a finite x >= 2^29 by pi/4: the integer part of x/(pi/4) mod 8 (zeros mapped to the
     * origin) in {@code octant[0]}, the fractional part times pi/4 returned; 4/pi's bits multiplied with x's mantissa
     * in 64-bit integer arithmetic.
     */
    static double trigReduce(double x, long[] octant) {
        if (x < PI_4) {
            octant[0] = 0;
            return x;
        }
        long ix = Double.doubleToRawLongBits(x);
        int exp = (int) ((ix >>> 52) & 0x7FF) - 1023 - 52;
        ix &= ~(0x7FFL << 52);
        ix |= 1L << 52;
        int digit = (exp + 61) / 64;
        int bitshift = (exp + 61) % 64;
        long z0 = shl(M_PI4[digit], bitshift) | shr(M_PI4[digit + 1], 64 - bitshift);
        long z1 = shl(M_PI4[digit + 1], bitshift) | shr(M_PI4[digit + 2], 64 - bitshift);
        long z2 = shl(M_PI4[digit + 2], bitshift) | shr(M_PI4[digit + 3], 64 - bitshift);
        long z2hi = unsignedMultiplyHigh(z2, ix);
        long z1hi = unsignedMultiplyHigh(z1, ix);
        long z1lo = z1 * ix;
        long z0lo = z0 * ix;
        long lo = z1lo + z2hi;
        long carry = Long.compareUnsigned(lo, z1lo) < 0 ? 1 : 0;
        long hi = z0lo + z1hi + carry;
        long j = hi >>> 61;
        hi = hi << 3 | lo >>> 61;
        int lz = Long.numberOfLeadingZeros(hi);
        long e = 1023 - (lz + 1);
        hi = shl(hi, lz + 1) | shr(lo, 64 - (lz + 1));
        hi >>>= 64 - 52;
        hi |= e << 52;
        double z = Double.longBitsToDouble(hi);
        if ((j & 1) == 1) {
            j++;
            j &= 7;
            z--;
        }
        octant[0] = j;
        return z * PI_4;
    }

    /** Go's {@code <<} on a uint64: 0 from a shift of 64 on (Java would take the count modulo 64). */
    private static long shl(long v, int n) {
        return n < 0 || n >= 64 ? 0 : v << n;
    }

    /** Go's {@code >>} on a uint64 (a negative count, a huge uint in Go, gives 0). */
    private static long shr(long v, int n) {
        return n < 0 || n >= 64 ? 0 : v >>> n;
    }

    private static long unsignedMultiplyHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    /** Go's {@code math.Asin}. */
    static double asin(double x) {
        if (x == 0) {
            return x;
        }
        boolean sign = false;
        if (x < 0) {
            x = -x;
            sign = true;
        }
        if (x > 1) {
            return Double.NaN;
        }
        double temp = Math.sqrt(1 - x * x);
        if (x > 0.7) {
            temp = PI_2 - satan(temp / x);
        } else {
            temp = satan(x / temp);
        }
        return sign ? -temp : temp;
    }

    /** Go's {@code math.Acos}: pi/2 - Asin(x). */
    static double acos(double x) {
        return PI_2 - asin(x);
    }

    /** Go's {@code math.Atan}. */
    static double atan(double x) {
        if (x == 0) {
            return x;
        }
        return x > 0 ? satan(x) : -satan(-x);
    }

    /** Go's {@code math.Atan2} (PromQL's {@code atan2} operator). */
    static double atan2(double y, double x) {
        if (Double.isNaN(y) || Double.isNaN(x)) {
            return Double.NaN;
        }
        if (y == 0) {
            if (x >= 0 && Double.doubleToRawLongBits(x) >= 0) {
                return Math.copySign(0.0, y);
            }
            return Math.copySign(Math.PI, y);
        }
        if (x == 0) {
            return Math.copySign(PI_2, y);
        }
        if (Double.isInfinite(x)) {
            if (x > 0) {
                return Math.copySign(Double.isInfinite(y) ? PI_4 : 0.0, y);
            }
            return Math.copySign(Double.isInfinite(y) ? THREE_PI_4 : Math.PI, y);
        }
        if (Double.isInfinite(y)) {
            return Math.copySign(PI_2, y);
        }
        double q = atan(y / x);
        if (x < 0) {
            return q <= 0 ? q + Math.PI : q - Math.PI;
        }
        return q;
    }

    /** Reduces a positive x to [0, 0.66] for {@link #xatan}. */
    private static double satan(double x) {
        final double morebits = 6.123233995736765886130e-17; // pi/2 = PI_2 + morebits
        final double tan3pio8 = 2.41421356237309504880;
        if (x <= 0.66) {
            return xatan(x);
        }
        if (x > tan3pio8) {
            return PI_2 - xatan(1 / x) + morebits;
        }
        return PI_4 + xatan((x - 1) / (x + 1)) + 0.5 * morebits;
    }

    /** The arctangent series on [0, 0.66]. */
    private static double xatan(double x) {
        final double p0 = -8.750608600031904122785e-01;
        final double p1 = -1.615753718733365076637e+01;
        final double p2 = -7.500855792314704667340e+01;
        final double p3 = -1.228866684490136173410e+02;
        final double p4 = -6.485021904942025371773e+01;
        final double q0 = +2.485846490142306297962e+01;
        final double q1 = +1.650270098316988542046e+02;
        final double q2 = +4.328810604912902668951e+02;
        final double q3 = +4.853903996359136964868e+02;
        final double q4 = +1.945506571482613964425e+02;
        double z = x * x;
        z = z * ((((p0 * z + p1) * z + p2) * z + p3) * z + p4) / (((((z + q0) * z + q1) * z + q2) * z + q3) * z + q4);
        return x * z + x;
    }

    /** Go's {@code math.Sinh}. */
    static double sinh(double x) {
        final double p0 = -0.6307673640497716991184787251e+6;
        final double p1 = -0.8991272022039509355398013511e+5;
        final double p2 = -0.2894211355989563807284660366e+4;
        final double p3 = -0.2630563213397497062819489e+2;
        final double q0 = -0.6307673640497716991212077277e+6;
        final double q1 = 0.1521517378790019070696485176e+5;
        final double q2 = -0.173678953558233699533450911e+3;
        boolean sign = false;
        if (x < 0) {
            x = -x;
            sign = true;
        }
        double temp;
        if (x > 21) {
            temp = GoMath.exp(x) / 2;
        } else if (x > 0.5) {
            double ex = GoMath.exp(x);
            temp = (ex - 1 / ex) / 2;
        } else {
            double sq = x * x;
            temp = (((p3 * sq + p2) * sq + p1) * sq + p0) * x;
            temp = temp / (((sq + q2) * sq + q1) * sq + q0);
        }
        return sign ? -temp : temp;
    }

    /** Go's {@code math.Cosh}. */
    static double cosh(double x) {
        x = Math.abs(x);
        if (x > 21) {
            return GoMath.exp(x) / 2;
        }
        double ex = GoMath.exp(x);
        return (ex + 1 / ex) / 2;
    }

    /** Go's {@code math.Tanh}. */
    static double tanh(double x) {
        final double maxlog = 8.8029691931113054295988e+01; // log(2^127)
        double z = Math.abs(x);
        if (z > 0.5 * maxlog) {
            return x < 0 ? -1 : 1;
        }
        if (z >= 0.625) {
            double s = GoMath.exp(2 * z);
            z = 1 - 2 / (s + 1);
            return x < 0 ? -z : z;
        }
        if (x == 0) {
            return x;
        }
        double s = x * x;
        return x + x * s * ((TANH_P[0] * s + TANH_P[1]) * s + TANH_P[2])
                / (((s + TANH_Q[0]) * s + TANH_Q[1]) * s + TANH_Q[2]);
    }
}
