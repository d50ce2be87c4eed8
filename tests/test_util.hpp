// Helpers shared by the C++ tests.
#pragma once

#include <unistd.h>

#include <cstdio>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace chainward::test {

/// A fresh directory under the system temp dir, removed with everything in it at scope exit.
struct TempDir {
    std::filesystem::path p;
    explicit TempDir(const std::string& tag = "cw")
        : p(std::filesystem::temp_directory_path() / (tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++))) {
        std::filesystem::remove_all(p);
        std::filesystem::create_directories(p);
    }
    ~TempDir() { std::filesystem::remove_all(p); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    static inline int counter = 0;
};

/// The whole content of a file (empty if it cannot be read).
inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

/// Runs a shell command; returns its standard output and sets *status to its exit status.
inline std::string run_command(const std::string& cmd, int* status) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) {
        *status = -1;
        return out;
    }
    char buf[65536];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    *status = pclose(p);
    return out;
}

}  // namespace chainward::test
