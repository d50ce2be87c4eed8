// Memory-mapped reading and durable (fsync'd) writing of store files. Internal to src/store.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace chainward::store {

/// A read-only memory mapping of a whole file; move-only. An empty file maps to an empty span.
class MappedFile {
public:
    MappedFile() = default;
    explicit MappedFile(const std::filesystem::path& p);
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

/// Writes `bytes` to a new file and fsyncs it.
void write_file_durably(const std::filesystem::path& p, std::span<const std::uint8_t> bytes);
template <class T>
void write_column(const std::filesystem::path& p, const std::vector<T>& v) {
    write_file_durably(p, {reinterpret_cast<const std::uint8_t*>(v.data()), v.size() * sizeof(T)});
}
/// Appends to a file and fsyncs it.
void append_durably(const std::filesystem::path& p, std::span<const std::uint8_t> bytes);
/// Truncates a file to `size` bytes (creating it empty if absent) and fsyncs it.
void truncate_durably(const std::filesystem::path& p, std::uint64_t size);
/// fsync of a directory, so that renames and new entries in it survive a power loss.
void sync_dir(const std::filesystem::path& p);
/// Writes `text` to p atomically: temp file, fsync, rename over p, fsync of the directory.
void replace_file_atomically(const std::filesystem::path& p, const std::string& text);

}  // namespace chainward::store
