import Foundation

/// What one pass over the listing produced.
struct PassOutcome: Sendable {
    /// The unique channels, when collecting (empty when they were streamed).
    var channels: [Channel] = []
    /// Unique channel ids seen.
    var uniqueChannels = 0
    var duplicates = 0
    var total: Int?
    var pages = 0
    var requests = 0
    var retries = 0
    /// A page failed for good.
    var failure: PollFailure?
    /// Every page arrived but they do not add up (why).
    var inconsistency: String?
}

/// One pass over a partner's listing: the first page, then the rest with bounded concurrency.
struct PollPass: Sendable {
    let settings: PartnerSettings
    let fetcher: PageFetcher
    /// 1 for the first pass over the listing, 2 when it is read again.
    let number: Int
    /// When set, each page's channels new to this pass are handed here as the page arrives and
    /// the pass keeps only their ids (``PassOutcome/channels`` stays empty).
    let emit: (@Sendable (ChannelBatch) async -> Void)?

    func run() async -> PassOutcome {
        var outcome = PassOutcome()
        let pageSize = max(settings.pageSize, 1)
        let first = await fetcher.fetch(offset: 0, limit: pageSize, page: 1)
        outcome.requests += first.requests
        outcome.retries += first.retries
        let firstPage: ChannelPage
        switch first.result {
        case .failure(let failure):
            outcome.failure = failure
            return outcome
        case .success(let page):
            firstPage = page
        }
        outcome.pages = 1
        guard let total = firstPage.total else {
            if let emit {
                await emit(ChannelBatch(pass: number, channels: firstPage.channels, receivedAt: Date()))
            } else {
                outcome.channels = firstPage.channels
            }
            outcome.uniqueChannels = Set(firstPage.channels.map(\.id)).count
            outcome.failure = PollFailure(partnerID: settings.id, page: 1, offset: 0, kind: .unexpectedResponse,
                                          message: "the page has no 'total', so completeness cannot be judged")
            return outcome
        }
        // A server that caps `limit` answers a full first page shorter than asked: page by what it serves.
        var step = pageSize
        if let served = firstPage.limit, served > 0, served < step { step = served }
        if firstPage.channels.count > 0, firstPage.channels.count < step, firstPage.channels.count < total {
            step = firstPage.channels.count
        }

        var assembly = ListingAssembly(firstTotal: total, collecting: emit == nil)
        await hand(assembly.add(firstPage, at: 0))
        var pending = Array(stride(from: step, to: total, by: step)).map { (offset: $0, limit: step) }
        pending.reverse()  // popLast() then takes the lowest offset first
        // The permits bound requests in flight to `concurrency`; a few more tasks than that are
        // kept alive so that a page being decoded does not leave a request slot idle.
        let tasks = max(settings.concurrency, 1) + 2
        await withTaskGroup(of: PageFetch.self) { group in
            var inFlight = 0
            while true {
                while inFlight < tasks, let next = pending.popLast(), outcome.failure == nil {
                    let page = next.offset / step + 1
                    group.addTask { await fetcher.fetch(offset: next.offset, limit: next.limit, page: page) }
                    inFlight += 1
                }
                guard inFlight > 0, let fetched = await group.next() else { break }
                inFlight -= 1
                outcome.requests += fetched.requests
                outcome.retries += fetched.retries
                switch fetched.result {
                case .failure(let failure):
                    if outcome.failure == nil { outcome.failure = failure }
                    // The poll is incomplete now; pages still in flight would change nothing.
                    group.cancelAll()
                    pending.removeAll()
                case .success(let page):
                    outcome.pages += 1
                    await hand(assembly.add(page, at: fetched.offset))
                    let served = page.channels.count
                    let knownTotal = page.total ?? total
                    // A short page before the end leaves a gap: ask for the rest of it.
                    if served > 0, served < fetched.limit, fetched.offset + served < knownTotal {
                        pending.append((offset: fetched.offset + served, limit: fetched.limit - served))
                    }
                }
            }
        }
        if emit == nil { outcome.channels = assembly.uniqueChannels().channels }
        outcome.uniqueChannels = assembly.uniqueCount
        outcome.duplicates = assembly.duplicates
        outcome.total = assembly.finalTotal
        if outcome.failure == nil {
            outcome.inconsistency = assembly.inconsistency()
        }
        return outcome
    }

    /// Passes a page's new channels on when streaming.
    private func hand(_ channels: [Channel]) async {
        guard let emit, !channels.isEmpty else { return }
        await emit(ChannelBatch(pass: number, channels: channels, receivedAt: Date()))
    }
}
