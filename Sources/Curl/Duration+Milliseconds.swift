extension Duration {
    /// Whole milliseconds, rounded up so a tiny positive timeout never becomes 0 ("no timeout" to libcurl).
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        let fromSeconds = seconds.multipliedReportingOverflow(by: 1000)
        if fromSeconds.overflow { return Int.max }
        let fromAttoseconds = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return max(0, Int(clamping: fromSeconds.partialValue + fromAttoseconds))
    }
}
