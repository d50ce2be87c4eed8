// LD_PRELOAD shim for crash tests: cuts the power at a chosen fsync.
//
// For regular files under CW_CRASH_DIR, write() and pwrite() are held in memory and reach the
// file only when the process fsyncs it (fsync/fdatasync); closing without an fsync drops them,
// as a power cut drops what only the page cache held (metadata operations: create, truncate,
// rename, unlink, take effect at once). At the N-th fsync of any file or directory under
// CW_CRASH_DIR (CW_CRASH_AT=N, counted from 1) the process kills itself with SIGKILL before that
// fsync takes effect. With CW_CRASH_KEEP_WRITES=1 writes go through at once instead: a process
// crash at the same point, with the page cache intact.
// Stderr line "crash-shim: fsyncs N" at exit tells how many fsyncs a run made.
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace {

struct Pending {
    bool positioned;  // pwrite (at offset) or write (at the file position / end with O_APPEND)
    off_t offset;
    std::string bytes;
};

struct Shim {
    std::mutex m;
    std::string dir;
    long crash_at = 0, fsyncs = 0;
    bool keep_writes = false;
    std::map<int, std::vector<Pending>> pending;
    ssize_t (*real_write)(int, const void*, size_t) = nullptr;
    ssize_t (*real_pwrite)(int, const void*, size_t, off_t) = nullptr;
    int (*real_fsync)(int) = nullptr;
    int (*real_fdatasync)(int) = nullptr;
    int (*real_close)(int) = nullptr;

    Shim() {
        real_write = reinterpret_cast<decltype(real_write)>(dlsym(RTLD_NEXT, "write"));
        real_pwrite = reinterpret_cast<decltype(real_pwrite)>(dlsym(RTLD_NEXT, "pwrite"));
        real_fsync = reinterpret_cast<decltype(real_fsync)>(dlsym(RTLD_NEXT, "fsync"));
        real_fdatasync = reinterpret_cast<decltype(real_fdatasync)>(dlsym(RTLD_NEXT, "fdatasync"));
        real_close = reinterpret_cast<decltype(real_close)>(dlsym(RTLD_NEXT, "close"));
        if (const char* d = std::getenv("CW_CRASH_DIR")) dir = d;
        if (const char* n = std::getenv("CW_CRASH_AT")) crash_at = std::atol(n);
        if (const char* k = std::getenv("CW_CRASH_KEEP_WRITES")) keep_writes = std::strcmp(k, "1") == 0;
    }
    ~Shim() {
        if (!dir.empty()) std::fprintf(stderr, "crash-shim: fsyncs %ld\n", fsyncs);
    }
    /// Whether fd is a file or directory under dir (resolved through /proc/self/fd).
    bool watched(int fd, bool regular_only) const {
        if (dir.empty()) return false;
        struct stat st {};
        if (::fstat(fd, &st) != 0) return false;
        if (regular_only ? !S_ISREG(st.st_mode) : !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) return false;
        char link[64], path[4096];
        std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = ::readlink(link, path, sizeof path - 1);
        if (n <= 0) return false;
        path[n] = 0;
        return std::strncmp(path, dir.c_str(), dir.size()) == 0;
    }
    int sync(int fd, int (*real)(int)) {
        {
            std::lock_guard l(m);
            if (watched(fd, false)) {
                if (++fsyncs == crash_at) ::kill(::getpid(), SIGKILL);
                auto it = pending.find(fd);
                if (it != pending.end()) {
                    for (const auto& p : it->second) {
                        const char* b = p.bytes.data();
                        std::size_t left = p.bytes.size();
                        off_t at = p.offset;
                        while (left) {
                            ssize_t k = p.positioned ? real_pwrite(fd, b, left, at) : real_write(fd, b, left);
                            if (k < 0) return -1;
                            b += k;
                            left -= static_cast<std::size_t>(k);
                            at += k;
                        }
                    }
                    pending.erase(it);
                }
            }
        }
        return real(fd);
    }
};

Shim& shim() {
    static Shim s;
    return s;
}

ssize_t hold(int fd, const void* buf, size_t n, bool positioned, off_t offset) {
    Shim& s = shim();
    std::lock_guard l(s.m);
    s.pending[fd].push_back({positioned, offset, std::string(static_cast<const char*>(buf), n)});
    return static_cast<ssize_t>(n);
}

}  // namespace

extern "C" {

ssize_t write(int fd, const void* buf, size_t n) {
    Shim& s = shim();
    if (s.keep_writes || fd <= 2 || !s.watched(fd, true)) return s.real_write(fd, buf, n);
    return hold(fd, buf, n, false, 0);
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t offset) {
    Shim& s = shim();
    if (s.keep_writes || !s.watched(fd, true)) return s.real_pwrite(fd, buf, n, offset);
    return hold(fd, buf, n, true, offset);
}

ssize_t pwrite64(int fd, const void* buf, size_t n, off_t offset) { return pwrite(fd, buf, n, offset); }

int fsync(int fd) { return shim().sync(fd, shim().real_fsync); }
int fdatasync(int fd) { return shim().sync(fd, shim().real_fdatasync); }

int close(int fd) {
    Shim& s = shim();
    {
        std::lock_guard l(s.m);
        s.pending.erase(fd);  // never synced: lost
    }
    return s.real_close(fd);
}

}  // extern "C"
