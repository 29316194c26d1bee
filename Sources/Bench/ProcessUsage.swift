import Primitives
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// CPU time and memory of this process (getrusage) and of others (/proc/PID/status).
enum ProcessUsage {
    /// User + system CPU seconds this process has used so far, all threads included.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// The largest resident set this process has had, in MB (Linux reports `ru_maxrss` in KiB).
    static func peakRSSMegabytes() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// A `Vm*` line of `/proc/PID/status` in MB (`VmRSS` now, `VmHWM` peak), or `nil` when unreadable.
    static func statusMegabytes(pid: Int32, field: String) -> Double? {
        guard let status = readProcFile("/proc/\(pid)/status") else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            let kilobytes = line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Double($0) }
            return kilobytes.map { $0 / 1024 }
        }
        return nil
    }

    /// User + system CPU seconds another process has used so far (`/proc/PID/stat`), or `nil`.
    static func cpuSeconds(pid: Int32) -> Double? {
        stat(pid: pid)?.cpuSeconds
    }

    /// The parent and the user + system CPU seconds of a process, from `/proc/PID/stat`.
    private static func stat(pid: Int32) -> (parent: Int32, cpuSeconds: Double)? {
        // The command name (field 2) is in parentheses and may hold spaces: count from after it.
        guard let stat = readProcFile("/proc/\(pid)/stat"), let end = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        // Field 4 (ppid) is the 2nd after the name; 14 and 15 (utime, stime) the 12th and 13th.
        guard fields.count > 12, let parent = Int32(fields[1]), let user = Double(fields[11]),
              let system = Double(fields[12]) else { return nil }
        return (parent, (user + system) / Double(sysconf(Int32(_SC_CLK_TCK))))
    }

    /// User + system CPU seconds of the live children of `parent` (a PostgreSQL postmaster's
    /// backends and workers); children that have exited are not counted.
    static func cpuSecondsOfChildren(of parent: Int32) -> Double {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var total = 0.0
        for entry in entries {
            guard let pid = Int32(entry), let stat = stat(pid: pid), stat.parent == parent else { continue }
            total += stat.cpuSeconds
        }
        return total
    }

    /// Resets another process's peak resident set (`VmHWM`) to its current one, so the next
    /// stretch's peak can be read on its own; `false` when the kernel refused.
    static func resetPeakRSS(pid: Int32) -> Bool {
        let descriptor = open("/proc/\(pid)/clear_refs", O_WRONLY)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return write(descriptor, "5", 1) == 1
    }
}

/// The whole text of a /proc file. /proc files report a size of 0, so they are read until EOF
/// rather than by their announced size.
private func readProcFile(_ path: String) -> String? {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 { return nil }
        if count == 0 { break }
        bytes.append(contentsOf: chunk[..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Wall and CPU time of one measured stretch.
struct Stopwatch {
    private let clock = ContinuousClock()
    private let startedAt: ContinuousClock.Instant
    private let startCPU: Double

    /// Starts measuring now.
    init() {
        startedAt = clock.now
        startCPU = ProcessUsage.cpuSeconds()
    }

    /// Wall seconds since the start.
    var wallSeconds: Double { (clock.now - startedAt).seconds }

    /// CPU seconds of this process since the start.
    var cpuSeconds: Double { ProcessUsage.cpuSeconds() - startCPU }
}

