import Foundation
import JSON

/// Renders one `PartnerChannelsPublicOut` page from pre-encoded channel documents.
enum PageBody {
    /// The page's bytes and how many channels it holds; `servedLimit` below `query.limit`
    /// makes a short page that still echoes the requested limit.
    static func render(query: PageQuery, servedLimit: Int, listing: [Int], channels: SimulatedChannels, totalDrift: Int) -> (body: Data, count: Int) {
        let start = min(query.offset, listing.count)
        let end = min(start + servedLimit, listing.count)
        let slice = listing[start..<end]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256 + slice.count * 1024)
        // Members in sorted order, like every other document the simulator writes.
        bytes.append(contentsOf: "{\"count\":\(slice.count),\"filters\":".utf8)
        JSONValue.object(query.filtersObject).write(into: &bytes)
        bytes.append(contentsOf: ",\"limit\":\(query.limit),\"offset\":\(query.offset),\"partner_channels\":[".utf8)
        for (position, index) in slice.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: channels.encoded(at: index))
        }
        bytes.append(contentsOf: "],\"sort\":".utf8)
        let sort: JSONValue = .array(query.sort.map { [.string(($0.descending ? "-" : "") + $0.field)] } ?? [])
        sort.write(into: &bytes)
        bytes.append(contentsOf: ",\"total\":\(max(0, listing.count + totalDrift))}".utf8)
        return (Data(bytes), slice.count)
    }
}
