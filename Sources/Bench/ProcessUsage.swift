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

