// libvips-cpp.so.42 (@img/sharp-libvips-linux-x64): a tiny stand-in for
// libvips' C++ library: SONAME libvips-cpp.so.42, needs libstdc++.so.6
// (std::string, std::runtime_error) and libgcc_s.so.1 (unwinding).
#include <stdexcept>
#include <string>

namespace vips {
__attribute__((visibility("default")))
std::string version_string(int minor)
{
    if (minor < 0)
        throw std::runtime_error("vips: bad minor version " + std::to_string(minor));
    return "8." + std::to_string(minor) + ".1";
}
}
