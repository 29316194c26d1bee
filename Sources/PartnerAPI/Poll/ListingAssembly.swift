/// Collects the pages of one pass over the listing and decides whether they add up.
///
/// Pages arrive out of order. When collecting, channels are ordered by page offset then
/// position, and a channel seen on two pages (the listing shifted under the offsets) is kept
/// once, at its first place. When streaming, each page's channels are handed on as the page
/// arrives, repeats included (the recorder keeps the first exactly), and only a 64-bit hash of
/// each id is kept for counting: 8 bytes a channel rather than its id. Two ids with one hash
/// (about one poll in 30 million at 1,000,000 channels) count once, so the pass falls one short
/// of `total` and is judged incomplete: a hash can fail a poll, never hide a channel.
struct ListingAssembly {
    /// `total` from the first page, against which later pages are checked.
    let firstTotal: Int
    /// Whether pages' channels are kept for ``uniqueChannels()``.
    let collecting: Bool
    /// `total` as each page reported it, by offset.
    private var pageTotals: [Int: Int?] = [:]
    /// Pages kept when collecting, by offset.
    private var pages: [Int: ChannelPage] = [:]
    /// Hashes of the ids seen in this pass (per process, randomly seeded).
    private var seen = Set<Int>()
    /// Channels seen again in this pass.
    private(set) var duplicates = 0

    init(firstTotal: Int, collecting: Bool = true) {
        self.firstTotal = firstTotal
        self.collecting = collecting
    }

    /// Adds the page fetched at `offset`; returns its channels to hand on, in page order.
    @discardableResult
    mutating func add(_ page: ChannelPage, at offset: Int) -> [Channel] {
        pageTotals[offset] = page.total
        if collecting { pages[offset] = page }
        for channel in page.channels where !seen.insert(channel.id.hashValue).inserted {
            duplicates += 1
        }
        return page.channels
    }

    /// Unique channel ids seen in this pass.
    var uniqueCount: Int { seen.count }

    /// `total` as the page with the highest offset reported it ("re-read total on the last page").
    var finalTotal: Int {
        guard let lastOffset = pageTotals.keys.max() else { return firstTotal }
        return pageTotals[lastOffset].flatMap { $0 } ?? firstTotal
    }

    /// Every distinct `total` the pages reported.
    var reportedTotals: Set<Int> { Set(pageTotals.values.compactMap { $0 }) }

    /// Unique channels in listing order (when collecting), and how many repeats were dropped.
    func uniqueChannels() -> (channels: [Channel], duplicates: Int) {
        var seen = Set<String>()
        var channels: [Channel] = []
        channels.reserveCapacity(pages.values.reduce(0) { $0 + $1.channels.count })
        for offset in pages.keys.sorted() {
            for channel in pages[offset]!.channels where seen.insert(channel.id).inserted {
                channels.append(channel)
            }
        }
        return (channels, duplicates)
    }

    /// Why the pass does not add up, or `nil` when it is complete: every page reported the same
    /// `total` and the unique channels match it.
    func inconsistency() -> String? {
        let totals = reportedTotals
        if totals.count > 1 {
            return "total moved during the poll (first page \(firstTotal), last page \(finalTotal)); \(uniqueCount) unique channels seen"
        }
        if uniqueCount != finalTotal {
            return "\(uniqueCount) unique channels seen but total is \(finalTotal)"
        }
        return nil
    }
}
