package dev.tocsin.core.internal.expr;

/**
 * Go's {@code math.Log}, {@code Log10}, {@code Log2}, {@code Log1p}, {@code Exp}, {@code Pow}, {@code Ldexp} and the
 * inverse hyperbolic functions as Prometheus computes them on amd64, bit for bit, so that PromQL's functions and
 * {@code ^} give the same last digit (which {@code count_values}, {@code ==} and a test's expected value can see).
 * Java's {@code Math} versions are allowed an error of one ulp and differ from Go's for up to a third of inputs.
 *
 * <p>{@link #log} is the FreeBSD/fdlibm algorithm Go implements (reduction to [sqrt(2)/2, sqrt(2)], a polynomial in
 * s = f/(2+f), ln 2 split in two parts), with the argument's exponent and mantissa read off its bits as Go's amd64
 * assembly does (so subnormal arguments come out as Prometheus computes them, not as a correct logarithm).
 * {@link #log1p}, {@link #asinh}, {@link #acosh} and {@link #atanh} are Go's pure implementations (FreeBSD's).
 *
 * <p>{@link #exp} follows Go's amd64 assembly (after N. Shibata's method): the argument reduced by k ln 2 with fused
 * multiply-adds, divided by 16, a Taylor polynomial, squared back four times, scaled by 2^k with Go's handling of
 * subnormal results. That is the path Go takes on x86 CPUs with AVX2 and FMA (every x86 server CPU since 2013);
 * without FMA, and on other architectures, Go's own results differ in the last bit.
 */
final class GoMath {

    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    private static final double LG1 = 6.666666666666735130e-01;
    private static final double LG2 = 3.999999999940941908e-01;
    private static final double LG3 = 2.857142874366239149e-01;
    private static final double LG4 = 2.222219843214978396e-01;
    private static final double LG5 = 1.818357216161805012e-01;
    private static final double LG6 = 1.531383769920937332e-01;
    private static final double LG7 = 1.479819860511658591e-01;
    private static final double HALF_SQRT2 = 0.70710678118654752440084436210484903928483593768847;
    private static final double SQRT2_MINUS_1 = 4.142135623730950488017e-01;
    private static final double HALF_SQRT2_MINUS_1 = -2.928932188134524755992e-01;
    private static final double LN2 = 6.93147180559945286227e-01;
    /** 1/ln 10 and 1/ln 2 as Go's constant arithmetic rounds them (exactly, then once to a double). */
    private static final double INV_LN10 = 0.43429448190325182765112891891660508229439700580366656611445378316586464920887;
    private static final double INV_LN2 = 1.44269504088896340735992468100189213742664595415298593413544940693110921918118;

    private static final double LOG2E = 1.4426950408889634073599246810018920;
    private static final double LN2_UPPER = 0.69314718055966295651160180568695068359375;
    private static final double LN2_LOWER = 0.28235290563031577122588448175013436025525412068e-12;
    private static final double EXP_OVERFLOW = 7.09782712893384e+02;
    /** 1/8!, 1/7!, ..., 1/2!, 1: the coefficients of p with e^r - 1 = r p(r), highest first. */
    private static final double[] EXP_TAYLOR = {2.4801587301587301587e-5, 1.9841269841269841270e-4,
        1.3888888888888888889e-3, 8.3333333333333333333e-3, 4.1666666666666666667e-2, 1.6666666666666666667e-1, 0.5,
        1.0};

    private GoMath() {
    }

    /** Go's {@code math.Log} (its amd64 assembly, which reduces the argument as below). */
    static double log(double x) {
        if (Double.isNaN(x) || x == Double.POSITIVE_INFINITY) {
            return x;
        }
        if (x < 0) {
            return Double.NaN;
        }
        if (x == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        // x = f1 * 2^ki with f1 in [0.5, 1), read off the bits as Go's amd64 code does: a subnormal x is taken as
        // (0.5 + its mantissa) * 2^-1022, not normalized (ln(2.6e-309) is -708.98 in Prometheus, not -710.53)
        long bits = Double.doubleToRawLongBits(x);
        double f1 = Double.longBitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FE0000000000000L);
        int ki = (int) ((bits >>> 52) & 0x7FF) - 0x3FE;
        if (f1 <= HALF_SQRT2) {
            f1 *= 2;
            ki--;
        }
        double f = f1 - 1;
        double k = ki;
        double s = f / (2 + f);
        double s2 = s * s;
        double s4 = s2 * s2;
        double t1 = s2 * (LG1 + s4 * (LG3 + s4 * (LG5 + s4 * LG7)));
        double t2 = s4 * (LG2 + s4 * (LG4 + s4 * LG6));
        double r = t1 + t2;
        double hfsq = 0.5 * f * f;
        return k * LN2_HI - ((hfsq - (s * (hfsq + r) + k * LN2_LO)) - f);
    }

    /** Go's {@code math.Log10}: {@code Log(x) * (1/Ln10)}. */
    static double log10(double x) {
        return log(x) * INV_LN10;
    }

    /** Go's {@code math.Log2}: exact for powers of two, else {@code Log(frac) * (1/Ln2) + exp}. */
    static double log2(double x) {
        if (!(x > 0) || x == Double.POSITIVE_INFINITY) {
            return log(x); // NaN, -Inf for 0, NaN for negatives, +Inf: as Log
        }
        int exp = frexpExponent(x);
        double frac = Math.scalb(x, -exp);
        if (frac == 0.5) {
            return exp - 1;
        }
        return log(frac) * INV_LN2 + exp;
    }

    /** Go's {@code math.Log1p} (FreeBSD's algorithm: ln(1+x) without losing the digits of a small x). */
    static double log1p(double x) {
        if (x < -1 || Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x == -1) {
            return Double.NEGATIVE_INFINITY;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return x;
        }
        double absx = Math.abs(x);
        double f = 0;
        long iu = 0;
        int k = 1;
        if (absx < SQRT2_MINUS_1) {
            if (absx < 0x1p-29) {
                if (absx < 0x1p-54) {
                    return x;
                }
                return x - x * x * 0.5;
            }
            if (x > HALF_SQRT2_MINUS_1) {
                k = 0;
                f = x;
                iu = 1;
            }
        }
        double c = 0;
        if (k != 0) {
            double u;
            if (absx < 0x1p53) {
                u = 1.0 + x;
                iu = Double.doubleToRawLongBits(u);
                k = (int) ((iu >>> 52) - 1023);
                c = k > 0 ? 1.0 - (u - x) : x - (u - 1.0); // the rounding error of 1 + x
                c /= u;
            } else {
                u = x;
                iu = Double.doubleToRawLongBits(u);
                k = (int) ((iu >>> 52) - 1023);
                c = 0;
            }
            iu &= 0x000FFFFFFFFFFFFFL;
            if (iu < 0x0006A09E667F3BCDL) { // below the mantissa of sqrt(2)
                u = Double.longBitsToDouble(iu | 0x3FF0000000000000L);
            } else {
                k++;
                u = Double.longBitsToDouble(iu | 0x3FE0000000000000L);
                iu = (0x0010000000000000L - iu) >> 2;
            }
            f = u - 1.0;
        }
        double hfsq = 0.5 * f * f;
        double kd = k;
        if (iu == 0) { // |f| < 2^-20
            if (f == 0) {
                if (k == 0) {
                    return 0;
                }
                c += kd * LN2_LO;
                return kd * LN2_HI + c;
            }
            double r = hfsq * (1.0 - 0.66666666666666666 * f);
            if (k == 0) {
                return f - r;
            }
            return kd * LN2_HI - ((r - (kd * LN2_LO + c)) - f);
        }
        double s = f / (2.0 + f);
        double z = s * s;
        double r = z * (LG1 + z * (LG2 + z * (LG3 + z * (LG4 + z * (LG5 + z * (LG6 + z * LG7))))));
        if (k == 0) {
            return f - (hfsq - s * (hfsq + r));
        }
        return kd * LN2_HI - ((hfsq - (s * (hfsq + r) + (kd * LN2_LO + c))) - f);
    }

    /** Go's {@code math.Asinh}. */
    static double asinh(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return x;
        }
        boolean negative = x < 0;
        double a = negative ? -x : x; // as Go: -0 stays -0
        double t;
        if (a > 0x1p28) {
            t = log(a) + LN2;
        } else if (a > 2) {
            t = log(2 * a + 1 / (Math.sqrt(a * a + 1) + a));
        } else if (a < 0x1p-28) {
            t = a;
        } else {
            t = log1p(a + a * a / (1 + Math.sqrt(1 + a * a)));
        }
        return negative ? -t : t;
    }

    /** Go's {@code math.Acosh}. */
    static double acosh(double x) {
        if (x < 1 || Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x == 1) {
            return 0;
        }
        if (x >= 0x1p28) {
            return log(x) + LN2;
        }
        if (x > 2) {
            return log(2 * x - 1 / (x + Math.sqrt(x * x - 1)));
        }
        double t = x - 1;
        return log1p(t + Math.sqrt(2 * t + t * t));
    }

    /** Go's {@code math.Atanh}. */
    static double atanh(double x) {
        if (x < -1 || x > 1 || Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x == 1) {
            return Double.POSITIVE_INFINITY;
        }
        if (x == -1) {
            return Double.NEGATIVE_INFINITY;
        }
        boolean negative = x < 0;
        double a = negative ? -x : x; // as Go: -0 stays -0
        double t;
        if (a < 0x1p-28) {
            t = a;
        } else if (a < 0.5) {
            t = a + a;
            t = 0.5 * log1p(t + t * a / (1 - a));
        } else {
            t = 0.5 * log1p((a + a) / (1 - a));
        }
        return negative ? -t : t;
    }

    /** The exponent of Go's {@code Frexp}: {@code x = frac * 2^e} with frac in [0.5, 1); x finite and non-zero. */
    private static int frexpExponent(double x) {
        int e = Math.getExponent(x);
        if (e < Double.MIN_EXPONENT) { // subnormal: normalize first
            e = Math.getExponent(x * 0x1p54) - 54;
        }
        return e + 1;
    }

    /**
     * Go's {@code math.Pow}: its special cases, then x^y as e^(yf ln x) for the fractional part of y times x^yi by
     * repeated squaring of x's mantissa (exponent kept apart), scaled at the end by {@link #ldexp}.
     */
    static double pow(double x, double y) {
        if (y == 0 || x == 1) {
            return 1;
        }
        if (y == 1) {
            return x;
        }
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return Double.NaN;
        }
        if (x == 0) {
            boolean negZero = Double.doubleToRawLongBits(x) < 0;
            if (y < 0) {
                return negZero && isOddInt(y) ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            return negZero && isOddInt(y) ? x : 0;
        }
        if (Double.isInfinite(y)) {
            if (x == -1) {
                return 1;
            }
            return (Math.abs(x) < 1) == (y > 0) ? 0 : Double.POSITIVE_INFINITY;
        }
        if (Double.isInfinite(x)) {
            if (x < 0) {
                return pow(1 / x, -y); // Pow(-0, -y)
            }
            return y < 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        if (y == 0.5) {
            return Math.sqrt(x);
        }
        if (y == -0.5) {
            return 1 / Math.sqrt(x);
        }
        double ay = Math.abs(y);
        double yi = Math.floor(ay);
        double yf = ay - yi;
        if (yf != 0 && x < 0) {
            return Double.NaN;
        }
        if (yi >= 0x1p63) {
            // a huge even integer: overflow or underflow for every x but -1
            if (x == -1) {
                return 1;
            }
            return (Math.abs(x) < 1) == (y > 0) ? 0 : Double.POSITIVE_INFINITY;
        }
        double a1 = 1;
        int ae = 0;
        if (yf != 0) {
            if (yf > 0.5) {
                yf--;
                yi++;
            }
            a1 = exp(yf * log(x));
        }
        // x = x1 * 2^xe, x1 in [0.5, 1) (Go's Frexp)
        int xe = frexpExponent(x);
        double x1 = Math.scalb(x, -xe);
        for (long i = (long) yi; i != 0; i >>= 1) {
            if (xe < -(1 << 12) || (1 << 12) < xe) {
                ae += xe; // catastrophic overflow: left to ldexp
                break;
            }
            if ((i & 1) == 1) {
                a1 *= x1;
                ae += xe;
            }
            x1 *= x1;
            xe <<= 1;
            if (x1 < 0.5) {
                x1 += x1;
                xe--;
            }
        }
        if (y < 0) {
            a1 = 1 / a1;
            ae = -ae;
        }
        return ldexp(a1, ae);
    }

    private static boolean isOddInt(double v) {
        if (Math.abs(v) >= 0x1p53) {
            return false; // every double this large is an even integer
        }
        return v == Math.rint(v) && ((long) v & 1) == 1;
    }

    /** Go's {@code math.Ldexp}: frac * 2^exp, with Go's cut to zero below 2^-1075. */
    static double ldexp(double frac, int exp) {
        if (frac == 0 || Double.isInfinite(frac) || Double.isNaN(frac)) {
            return frac;
        }
        if (Math.abs(frac) < Double.MIN_NORMAL) {
            frac *= 0x1p52;
            exp -= 52;
        }
        long x = Double.doubleToRawLongBits(frac);
        long e = (long) exp + ((x >>> 52) & 0x7FF) - 1023;
        if (e < -1075) {
            return Math.copySign(0.0, frac);
        }
        if (e > 1023) {
            return frac < 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        double m = 1;
        if (e < -1022) {
            e += 53;
            m = 0x1p-53;
        }
        x &= ~(0x7FFL << 52);
        x |= (e + 1023) << 52;
        return m * Double.longBitsToDouble(x);
    }

    /** Go's {@code math.Exp} on amd64 with FMA (see the class comment). */
    static double exp(double x) {
        if (Double.isNaN(x) || x == Double.POSITIVE_INFINITY) {
            return x;
        }
        if (x == Double.NEGATIVE_INFINITY) {
            return 0;
        }
        if (x > EXP_OVERFLOW) {
            return Double.POSITIVE_INFINITY;
        }
        // k = round-half-even(x log2 e), saturating like CVTSD2SL (a huge negative k underflows below)
        int k = (int) Math.rint(LOG2E * x);
        double kd = k;
        double r = Math.fma(-LN2_UPPER, kd, x);
        r = Math.fma(-LN2_LOWER, kd, r);
        r *= 0.0625;
        double p = EXP_TAYLOR[0];
        for (int i = 1; i < EXP_TAYLOR.length; i++) {
            p = Math.fma(p, r, EXP_TAYLOR[i]);
        }
        r *= p; // e^(r/16) - 1
        for (int i = 0; i < 3; i++) {
            r *= r + 2.0; // (e^y - 1) -> (e^2y - 1)
        }
        r = Math.fma(r, r + 2.0, 1.0); // the fourth squaring, plus one: e^r
        int e = k + 0x3FF;
        if (e <= 0) {
            if (e < -52) {
                return 0;
            }
            r *= Double.longBitsToDouble((long) (e + 0x3FE) << 52);
            e = 1;
        } else if (e >= 0x7FF) {
            return Double.POSITIVE_INFINITY;
        }
        return r * Double.longBitsToDouble((long) e << 52);
    }
}
