// Reads a whole file into a reused buffer followed by simdjson's padding. Internal to src/eth.
#pragma once

#include <simdjson.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <vector>

#include "core/core.hpp"

namespace chainward::eth {

/// The file's bytes in `buf` (grown as needed, so a thread reading many files gets no fresh pages
/// per file), zero padding after them. Throws InputError naming the file.
inline std::string_view read_padded(const std::filesystem::path& file, std::vector<char>& buf) {
    std::FILE* f = std::fopen(file.c_str(), "rb");
    if (!f) throw InputError(file.string() + ": cannot open: " + std::strerror(errno));
    std::error_code ec;
    auto size = static_cast<std::size_t>(std::filesystem::file_size(file, ec));
    if (ec) {
        std::fclose(f);
        throw InputError(file.string() + ": cannot read: " + ec.message());
    }
    if (buf.size() < size + simdjson::SIMDJSON_PADDING) buf.resize(size + simdjson::SIMDJSON_PADDING);
    std::size_t got = std::fread(buf.data(), 1, size, f);
    std::fclose(f);
    if (got != size) throw InputError(file.string() + ": cannot read: short read");
    std::memset(buf.data() + size, 0, simdjson::SIMDJSON_PADDING);
    return {buf.data(), size};
}

}  // namespace chainward::eth
