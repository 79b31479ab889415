using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GpuEngine.Backends.Cpu.Simd;

/// <summary>
/// <see cref="ISimd{TV}"/> plus what the elementwise and pooling kernels need beyond the conv micro-kernels: the other
/// arithmetic, exp and a sign select, per vector width. The base members forward to <see cref="Simd512"/> and its siblings.
/// Exp is the runtime's own vector exp (<c>Vector512.Exp</c> etc.; <see cref="MathF.Exp"/> on the scalar path).
/// </summary>
internal interface ISimdMath<TV> : ISimd<TV> where TV : struct
{
    static abstract TV Multiply(TV a, TV b);
    static abstract TV Subtract(TV a, TV b);
    static abstract TV Divide(TV a, TV b);
    static abstract TV Exp(TV v);

    /// <summary>Lane-wise <paramref name="v"/> ≥ 0 ? <paramref name="v"/> : <paramref name="otherwise"/>.</summary>
    static abstract TV SelectNonNegative(TV v, TV otherwise);
}

internal unsafe struct Math512 : ISimdMath<Vector512<float>>
{
    public static int Width => Simd512.Width;
    public static Vector512<float> Zero => Vector512<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(float* p) => Simd512.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* p, Vector512<float> v) => Simd512.Store(p, v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Broadcast(float v) => Simd512.Broadcast(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Simd512.Fma(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Simd512.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Simd512.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector512<float> v) => Simd512.Sum(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Exp(Vector512<float> v) => Vector512.Exp(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SelectNonNegative(Vector512<float> v, Vector512<float> otherwise) =>
        Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(v, Vector512<float>.Zero), v, otherwise);
}

internal unsafe struct Math256 : ISimdMath<Vector256<float>>
{
    public static int Width => Simd256.Width;
    public static Vector256<float> Zero => Vector256<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(float* p) => Simd256.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* p, Vector256<float> v) => Simd256.Store(p, v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Broadcast(float v) => Simd256.Broadcast(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Simd256.Fma(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Simd256.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Min(Vector256<float> a, Vector256<float> b) => Simd256.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector256<float> v) => Simd256.Sum(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Exp(Vector256<float> v) => Vector256.Exp(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SelectNonNegative(Vector256<float> v, Vector256<float> otherwise) =>
        Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(v, Vector256<float>.Zero), v, otherwise);
}

internal unsafe struct Math128 : ISimdMath<Vector128<float>>
{
    public static int Width => Simd128.Width;
    public static Vector128<float> Zero => Vector128<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Load(float* p) => Simd128.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* p, Vector128<float> v) => Simd128.Store(p, v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Broadcast(float v) => Simd128.Broadcast(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Simd128.Fma(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Simd128.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Min(Vector128<float> a, Vector128<float> b) => Simd128.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector128<float> v) => Simd128.Sum(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Divide(Vector128<float> a, Vector128<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Exp(Vector128<float> v) => Vector128.Exp(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SelectNonNegative(Vector128<float> v, Vector128<float> otherwise) =>
        Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(v, Vector128<float>.Zero), v, otherwise);
}

/// <summary>The scalar path: the same kernel source over one float, with the reference's scalar functions.</summary>
internal unsafe struct MathScalar : ISimdMath<float>
{
    public static int Width => 1;
    public static float Zero => 0f;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Load(float* p) => *p;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* p, float v) => *p = v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Broadcast(float v) => v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Fma(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Add(float a, float b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Max(float a, float b) => Math.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Min(float a, float b) => Math.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(float v) => v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Multiply(float a, float b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Subtract(float a, float b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Divide(float a, float b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Exp(float v) => MathF.Exp(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float SelectNonNegative(float v, float otherwise) => v >= 0f ? v : otherwise;
}
