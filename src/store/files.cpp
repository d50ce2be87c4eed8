#include "store/files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/core.hpp"

namespace chainward::store {
namespace {

[[noreturn]] void io_fail(const std::string& what, const std::filesystem::path& p) {
    std::string why = errno == ELOOP ? "is a symbolic link (refused)" : std::strerror(errno);
    throw StoreError(what + " " + p.string() + ": " + why);
}

/// A file descriptor opened relative to a directory, never through a symbolic link.
class Fd {
public:
    Fd(const Dir& d, const std::string& name, int flags)
        : fd_(::openat(d.fd(), name.c_str(), flags | O_CLOEXEC | O_NOFOLLOW, 0644)), path_(d.path() / name) {
        if (fd_ < 0) io_fail("cannot open", path_);
    }
    ~Fd() { ::close(fd_); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
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
    std::uint64_t size() const {
        struct stat st {};
        if (::fstat(fd_, &st) != 0) io_fail("cannot stat", path_);
        if (!S_ISREG(st.st_mode)) throw StoreError(path_.string() + ": not a regular file");
        return static_cast<std::uint64_t>(st.st_size);
    }

private:
    int fd_;
    std::filesystem::path path_;
};

}  // namespace

Dir::Dir(const std::filesystem::path& p, bool follow_link) : path_(p) {
    fd_ = ::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | (follow_link ? 0 : O_NOFOLLOW));
    if (fd_ < 0) io_fail("cannot open directory", p);
}

Dir::Dir(const Dir& parent, const std::string& name) : path_(parent.path() / name) {
    fd_ = ::openat(parent.fd(), name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd_ < 0) io_fail("cannot open directory", path_);
}

Dir::~Dir() {
    if (fd_ >= 0) ::close(fd_);
}

void Dir::sync() const {
    if (::fsync(fd_) != 0) io_fail("cannot fsync", path_);
}

bool Dir::exists(const std::string& name) const {
    struct stat st {};
    return ::fstatat(fd_, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

MappedFile::MappedFile(const Dir& d, const std::string& name) {
    Fd fd(d, name, O_RDONLY);
    size_ = static_cast<std::size_t>(fd.size());
    if (size_ == 0) return;
    void* m = ::mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd.get(), 0);
    if (m == MAP_FAILED) {
        size_ = 0;
        io_fail("cannot map", d.path() / name);
    }
    data_ = static_cast<const std::uint8_t*>(m);
}

MappedFile::~MappedFile() {
    if (data_) ::munmap(const_cast<std::uint8_t*>(data_), size_);
}

std::string read_file(const Dir& d, const std::string& name) {
    Fd fd(d, name, O_RDONLY);
    std::string out(fd.size(), '\0');
    std::size_t got = 0;
    while (got < out.size()) {
        ssize_t n = ::read(fd.get(), out.data() + got, out.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) io_fail("cannot read", d.path() / name);
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    out.resize(got);
    return out;
}

void write_file_durably(const Dir& d, const std::string& name, std::span<const std::uint8_t> bytes) {
    Fd fd(d, name, O_WRONLY | O_CREAT | O_TRUNC);
    fd.write_all(bytes);
    fd.sync();
}

void append_durably(const Dir& d, const std::string& name, std::span<const std::uint8_t> bytes) {
    Fd fd(d, name, O_WRONLY | O_CREAT | O_APPEND);
    fd.write_all(bytes);
    fd.sync();
}

FileWriter::FileWriter(const Dir& d, const std::string& name)
    : fd_(::openat(d.fd(), name.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW)), path_(d.path() / name) {
    if (fd_ < 0) io_fail("cannot open", path_);
}

FileWriter::~FileWriter() { ::close(fd_); }

void FileWriter::write_at(std::uint64_t offset, std::span<const std::uint8_t> b) {
    while (!b.empty()) {
        ssize_t n = ::pwrite(fd_, b.data(), b.size(), static_cast<off_t>(offset));
        if (n < 0) {
            if (errno == EINTR) continue;
            io_fail("cannot write", path_);
        }
        b = b.subspan(static_cast<std::size_t>(n));
        offset += static_cast<std::uint64_t>(n);
    }
}

void FileWriter::sync() {
    if (::fsync(fd_) != 0) io_fail("cannot fsync", path_);
}

void truncate_durably(const Dir& d, const std::string& name, std::uint64_t size) {
    Fd fd(d, name, O_WRONLY | O_CREAT);
    if (::ftruncate(fd.get(), static_cast<off_t>(size)) != 0) io_fail("cannot truncate", d.path() / name);
    fd.sync();
}

void replace_file_atomically(const Dir& d, const std::string& name, std::span<const std::uint8_t> bytes) {
    std::string tmp = name + ".tmp";
    write_file_durably(d, tmp, bytes);
    if (::renameat(d.fd(), tmp.c_str(), d.fd(), name.c_str()) != 0) io_fail("cannot rename onto", d.path() / name);
    d.sync();
}

Dir make_subdir(const Dir& d, const std::string& name) {
    if (d.exists(name)) std::filesystem::remove_all(d.path() / name);  // an uncommitted leftover
    if (::mkdirat(d.fd(), name.c_str(), 0755) != 0) io_fail("cannot create", d.path() / name);
    return Dir(d, name);
}

FileLock::FileLock(const Dir& d, const std::string& name, Kind kind, bool wait, bool create) {
    fd_ = ::openat(d.fd(), name.c_str(), (create ? O_RDWR | O_CREAT : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd_ < 0) {
        if (errno == ENOENT && !create) return;
        io_fail("cannot open", d.path() / name);
    }
    int op = (kind == Kind::Shared ? LOCK_SH : LOCK_EX) | (wait ? 0 : LOCK_NB);
    while (::flock(fd_, op) != 0) {
        if (errno == EINTR) continue;
        if (errno == EWOULDBLOCK) return;
        io_fail("cannot lock", d.path() / name);
    }
    held_ = true;
}

FileLock::~FileLock() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace chainward::store
