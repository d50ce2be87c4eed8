#include "store/files.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/core.hpp"

namespace chainward::store {
namespace {

[[noreturn]] void io_fail(const std::string& what, const std::filesystem::path& p) {
    throw StoreError(what + " " + p.string() + ": " + std::strerror(errno));
}

class Fd {
public:
    Fd(const std::filesystem::path& p, int flags) : fd_(::open(p.c_str(), flags | O_CLOEXEC, 0644)), path_(p) {
        if (fd_ < 0) io_fail("cannot open", p);
    }
    ~Fd() { ::close(fd_); }
    int get() const { return fd_; }
    void write_all(std::span<const std::uint8_t> b) {
        while (!b.empty()) {
            ssize_t n = ::write(fd_, b.data(), b.size());
            if (n < 0) {
                if (errno == EINTR) continue;
                io_fail("cannot write", path_);
            }
            b = b.subspan(static_cast<std::size_t>(n));
        }
    }
    void sync() {
        if (::fsync(fd_) != 0) io_fail("cannot fsync", path_);
    }

private:
    int fd_;
    std::filesystem::path path_;
};

}  // namespace

MappedFile::MappedFile(const std::filesystem::path& p) {
    Fd fd(p, O_RDONLY);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) io_fail("cannot stat", p);
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ == 0) return;
    void* m = ::mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd.get(), 0);
    if (m == MAP_FAILED) {
        size_ = 0;
        io_fail("cannot map", p);
    }
    data_ = static_cast<const std::uint8_t*>(m);
}

MappedFile::~MappedFile() {
    if (data_) ::munmap(const_cast<std::uint8_t*>(data_), size_);
}

void write_file_durably(const std::filesystem::path& p, std::span<const std::uint8_t> bytes) {
    Fd fd(p, O_WRONLY | O_CREAT | O_TRUNC);
    fd.write_all(bytes);
    fd.sync();
}

void append_durably(const std::filesystem::path& p, std::span<const std::uint8_t> bytes) {
    Fd fd(p, O_WRONLY | O_CREAT | O_APPEND);
    fd.write_all(bytes);
    fd.sync();
}

void truncate_durably(const std::filesystem::path& p, std::uint64_t size) {
    Fd fd(p, O_WRONLY | O_CREAT);
    if (::ftruncate(fd.get(), static_cast<off_t>(size)) != 0) io_fail("cannot truncate", p);
    fd.sync();
}

void sync_dir(const std::filesystem::path& p) {
    Fd fd(p, O_RDONLY | O_DIRECTORY);
    fd.sync();
}

void replace_file_atomically(const std::filesystem::path& p, const std::string& text) {
    auto tmp = p;
    tmp += ".tmp";
    write_file_durably(tmp, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
    if (::rename(tmp.c_str(), p.c_str()) != 0) io_fail("cannot rename onto", p);
    sync_dir(p.parent_path().empty() ? "." : p.parent_path());
}

}  // namespace chainward::store
