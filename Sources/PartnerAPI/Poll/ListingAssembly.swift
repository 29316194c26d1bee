/// Collects the pages of one pass over the listing and decides whether they add up.
///
/// Pages arrive out of order; channels are ordered by page offset then position, and a channel
/// seen on two pages (the listing shifted under the offsets) is kept once, at its first place.
struct ListingAssembly {
    private(set) var pages: [Int: ChannelPage] = [:]
    /// `total` from the first page, against which later pages are checked.
    let firstTotal: Int

    init(firstPage: ChannelPage, firstTotal: Int) {
        self.firstTotal = firstTotal
        pages[0] = firstPage
    }

    mutating func add(_ page: ChannelPage, at offset: Int) {
        pages[offset] = page
    }

    /// `total` as the page with the highest offset reported it ("re-read total on the last page").
    var finalTotal: Int {
        guard let lastOffset = pages.keys.max() else { return firstTotal }
        return pages[lastOffset]?.total ?? firstTotal
    }

    /// Every distinct `total` the pages reported.
    var reportedTotals: Set<Int> { Set(pages.values.compactMap(\.total)) }

    /// Unique channels in listing order, and how many repeats were dropped.
    func uniqueChannels() -> (channels: [Channel], duplicates: Int) {
        var seen = Set<String>()
        var channels: [Channel] = []
        channels.reserveCapacity(pages.values.reduce(0) { $0 + $1.channels.count })
        var duplicates = 0
        for offset in pages.keys.sorted() {
            for channel in pages[offset]!.channels {
                if seen.insert(channel.id).inserted {
                    channels.append(channel)
                } else {
                    duplicates += 1
                }
            }
        }
        return (channels, duplicates)
    }

    /// Why the pass does not add up, or `nil` when it is complete: every page reported the same
    /// `total` and the unique channels match it.
    func inconsistency(uniqueCount: Int) -> String? {
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
