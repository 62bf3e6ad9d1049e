/* x86-64-v3.so: built with -march=x86-64-v3 -Wl,-z,x86-64-v3 so that
   .note.gnu.property says GNU_PROPERTY_X86_ISA_1_NEEDED = x86-64-v3. */
float v3_dot(const float *a, const float *b, int n)
{
    float s = 0.0f;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}
