// libcxxdemo.so: a C++ library that needs libstdc++.so.6 (GLIBCXX_*, CXXABI_*)
// and libgcc_s.so.1 (GCC_*: _Unwind_Resume runs the std::string/std::vector
// destructors while an exception propagates through join_words).
#include <stdexcept>
#include <string>
#include <vector>

namespace cxxdemo {

std::string join_words(const std::vector<std::string> &words, const std::string &sep)
{
    std::string out;
    std::vector<std::string> seen;
    for (const std::string &w : words) {
        if (w.empty())
            throw std::invalid_argument("empty word after " + out);
        if (!out.empty())
            out += sep;
        out += w;
        seen.push_back(w);
    }
    return out;
}

} // namespace cxxdemo

extern "C" int cxxdemo_count(const char *const *words, int n)
{
    std::vector<std::string> v;
    for (int i = 0; i < n; i++)
        v.emplace_back(words[i]);
    try {
        return static_cast<int>(cxxdemo::join_words(v, ", ").size());
    } catch (const std::exception &) {
        return -1;
    }
}
