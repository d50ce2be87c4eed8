// Memory-mapped reading and durable (fsync'd) writing of store files. Internal to src/store.
//
// Every file of a store is opened relative to an open directory and never through a symbolic
// link (O_NOFOLLOW): a link planted in a store cannot make chainward read or overwrite a file
// elsewhere. Only the store directory itself (the path the user gives) may be a link.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace chainward::store {

/// An open directory; files are opened relative to it. Move-only.
class Dir {
public:
    Dir() = default;
    /// follow_link: whether `p` itself may be a symbolic link (the store directory may; its
    /// segment directories may not).
    Dir(const std::filesystem::path& p, bool follow_link);
    /// Subdirectory `name` of `parent`, never through a symbolic link.
    Dir(const Dir& parent, const std::string& name);
    Dir(Dir&& o) noexcept { swap(o); }
    Dir& operator=(Dir&& o) noexcept {
        swap(o);
        return *this;
    }
    ~Dir();
    int fd() const { return fd_; }
    const std::filesystem::path& path() const { return path_; }
    /// fsync of the directory, so that new entries and renames in it survive a power loss.
    void sync() const;
    bool exists(const std::string& name) const;

private:
    void swap(Dir& o) noexcept {
        std::swap(fd_, o.fd_);
        std::swap(path_, o.path_);
    }
    int fd_ = -1;
    std::filesystem::path path_;
};

/// A read-only memory mapping of a whole file; move-only. An empty file maps to an empty span.
class MappedFile {
public:
    MappedFile() = default;
    MappedFile(const Dir& d, const std::string& name);
    MappedFile(MappedFile&& o) noexcept { swap(o); }
    MappedFile& operator=(MappedFile&& o) noexcept {
        swap(o);
        return *this;
    }
    ~MappedFile();
    std::span<const std::uint8_t> bytes() const { return {data_, size_}; }
    template <class T>
    std::span<const T> as() const {
        return {reinterpret_cast<const T*>(data_), size_ / sizeof(T)};
    }

private:
    void swap(MappedFile& o) noexcept {
        std::swap(data_, o.data_);
        std::swap(size_, o.size_);
    }
    const std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

/// The whole file as a string.
std::string read_file(const Dir& d, const std::string& name);
/// Writes `bytes` to a new (or truncated) file and fsyncs it.
void write_file_durably(const Dir& d, const std::string& name, std::span<const std::uint8_t> bytes);
template <class T>
void write_column(const Dir& d, const std::string& name, const std::vector<T>& v) {
    write_file_durably(d, name, {reinterpret_cast<const std::uint8_t*>(v.data()), v.size() * sizeof(T)});
}
/// Appends to a file and fsyncs it.
void append_durably(const Dir& d, const std::string& name, std::span<const std::uint8_t> bytes);
/// An existing file opened for writing in place (pwrite), then fsync'd.
class FileWriter {
public:
    FileWriter(const Dir& d, const std::string& name);
    FileWriter(const FileWriter&) = delete;
    FileWriter& operator=(const FileWriter&) = delete;
    ~FileWriter();
    void write_at(std::uint64_t offset, std::span<const std::uint8_t> bytes);
    void sync();

private:
    int fd_ = -1;
    std::filesystem::path path_;
};
/// Truncates a file to `size` bytes (creating it empty if absent) and fsyncs it.
void truncate_durably(const Dir& d, const std::string& name, std::uint64_t size);
/// Writes `bytes` to d/name atomically: temp file, fsync, rename over name, fsync of d.
void replace_file_atomically(const Dir& d, const std::string& name, std::span<const std::uint8_t> bytes);
/// Creates subdirectory `name` (removing a leftover of that name first) and opens it.
Dir make_subdir(const Dir& d, const std::string& name);

/// flock(2) on a lock file in d (created if absent when `create`): shared or exclusive,
/// blocking or not. Released when the object dies. `held()` is false when a non-blocking
/// attempt found the lock taken, or when the file is absent and not created.
class FileLock {
public:
    enum class Kind { Shared, Exclusive };
    FileLock(const Dir& d, const std::string& name, Kind kind, bool wait, bool create);
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock();
    bool held() const { return held_; }

private:
    int fd_ = -1;
    bool held_ = false;
};

}  // namespace chainward::store
