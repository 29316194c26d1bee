import Foundation
import JSON

/// One simulated partner's channels in listing order, each kept pre-encoded so a page is
/// served by concatenating bytes; listings per (sort, filters) are cached until the next change.
struct SimulatedChannels {
    struct Entry {
        var id: String
        var document: JSONValue
        var encoded: Data

        init(document: JSONValue) {
            id = document["id"]?.stringValue ?? ""
            self.document = document
            encoded = document.compactJSON()
        }
    }

    private(set) var entries: [Entry]
    private var listings: [String: [Int]] = [:]
    /// Numbers inserted channels so their ids never collide with existing ones.
    private var insertedCount = 0

    init(documents: [JSONValue]) {
        entries = documents.map(Entry.init(document:))
    }

    var count: Int { entries.count }

    /// Indices into ``entries`` of the channels matching `filters`, ordered by `sort`.
    mutating func listing(_ query: PageQuery) -> [Int] {
        let key = query.listingKey
        if let cached = listings[key] { return cached }
        var indices = Array(entries.indices)
        if !query.filters.isEmpty {
            indices = indices.filter { index in
                query.filters.allSatisfy { Self.matches(entries[index].document[path: $0.path], $0.value) }
            }
        }
        if let sort = query.sort {
            // Sorting the pairs with the position as tie-break keeps the order stable.
            let keyed = indices.map { (index: $0, value: entries[$0].document[path: sort.path]) }
            indices = keyed.sorted { lhs, rhs in
                let order = Self.compare(lhs.value, rhs.value)
                if order == 0 { return lhs.index < rhs.index }
                return sort.descending ? order > 0 : order < 0
            }.map(\.index)
        }
        listings[key] = indices
        return indices
    }

    func encoded(at index: Int) -> Data { entries[index].encoded }

    /// Applies one timeline change to this partner's channels; returns the documents changed
    /// (as they are now; a removed channel as it was) for the partner webhooks they cause.
    @discardableResult
    mutating func apply(_ action: ChannelChange.Action) -> [(kind: ChangeKind, document: JSONValue)] {
        listings.removeAll()
        var changed: [(kind: ChangeKind, document: JSONValue)] = []
        switch action {
        case .set(let selection, let fields):
            for index in selected(selection) {
                var document = entries[index].document
                for field in fields { document.set(field.value, at: field.path) }
                entries[index] = Entry(document: document)
                changed.append((.updated, document))
            }
        case .unset(let selection, let paths):
            for index in selected(selection) {
                var document = entries[index].document
                for path in paths { document.remove(at: path) }
                entries[index] = Entry(document: document)
                changed.append((.updated, document))
            }
        case .add(let document):
            let entry = Entry(document: document)
            if let existing = entries.firstIndex(where: { $0.id == entry.id }) {
                entries[existing] = entry
            } else {
                entries.append(entry)
            }
            changed.append((.created, document))
        case .remove(let ids):
            let doomed = Set(ids)
            changed += entries.filter { doomed.contains($0.id) }.map { (.removed, $0.document) }
            entries.removeAll { doomed.contains($0.id) }
        }
        return changed
    }

    /// What a timeline change did to a channel, for the webhook it causes.
    enum ChangeKind: String {
        case created, updated, removed

        /// The event a partner webhook for it carries: `channel_created`; `channel_updated`
        /// (not a documented 360dialog event: the simulator's stand-in for whatever 360dialog
        /// sends when a number's state changes, which the receiver must accept as unknown);
        /// `cancellation_processed`.
        var event: String {
            switch self {
            case .created: "channel_created"
            case .updated: "channel_updated"
            case .removed: "cancellation_processed"
            }
        }
    }

    /// Puts a new channel at the front of the listing, as a channel created mid-poll would be
    /// when sorted before the others; every later page shifts by one.
    mutating func insertAtFront() {
        listings.removeAll()
        insertedCount += 1
        let document = JSONValue.object([
            "id": .string("0000-inserted-\(insertedCount)"),
            "status": .string("ready"),
            "created_at": .string("2026-01-01T00:00:00Z"),
        ])
        entries.insert(Entry(document: document), at: 0)
    }

    /// Removes the first channel of the listing, as a channel deleted mid-poll would be.
    mutating func removeFirst() {
        guard !entries.isEmpty else { return }
        listings.removeAll()
        entries.removeFirst()
    }

    private func selected(_ selection: ChannelChange.Selection) -> [Int] {
        switch selection {
        case .all: return Array(entries.indices)
        case .every(let step): return Array(stride(from: 0, to: entries.count, by: max(step, 1)))
        case .ids(let ids):
            let wanted = Set(ids)
            return entries.indices.filter { wanted.contains(entries[$0].id) }
        }
    }

    /// Equality as the API filters: a list means "any of", scalars compare by their text.
    static func matches(_ value: JSONValue?, _ wanted: JSONValue) -> Bool {
        if case .array(let options) = wanted { return options.contains { matches(value, $0) } }
        guard let value else { return wanted == .null }
        if value == wanted { return true }
        if let left = value.scalarText, let right = wanted.scalarText { return left == right }
        return false
    }

    /// Missing and null sort first; numbers numerically; everything else by text.
    static func compare(_ lhs: JSONValue?, _ rhs: JSONValue?) -> Int {
        switch (lhs, rhs) {
        case (nil, nil), (.null?, .null?), (nil, .null?), (.null?, nil): return 0
        case (nil, _), (.null?, _): return -1
        case (_, nil), (_, .null?): return 1
        case (.number(let a)?, .number(let b)?): return a < b ? -1 : (a > b ? 1 : 0)
        default:
            let a = lhs?.scalarText ?? "", b = rhs?.scalarText ?? ""
            return a < b ? -1 : (a > b ? 1 : 0)
        }
    }
}
