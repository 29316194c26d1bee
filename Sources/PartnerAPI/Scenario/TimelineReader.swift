import JSON
import Yams
import YAMLSupport

/// Reads the `timeline:` block.
struct TimelineReader {
    let file: String
    let collector: DiagnosticCollector
    let partnerIDs: [String]

    func timeline(from node: Node) -> Timeline {
        let reader = MappingReader(node, file: file, what: "'timeline'", collector: collector)
        guard reader.isValid else { return Timeline() }
        var advance = Timeline.Advance.afterPass
        if let text = reader.string("advance") {
            if let parsed = Timeline.Advance(rawValue: text) {
                advance = parsed
            } else if let advanceNode = reader.value("advance") {
                collector.add(advanceNode.diagnostic("'advance' must be after_pass or manual, found '\(text)'", file: file))
            }
        }
        var steps: [TimelineStep] = []
        if let list = reader.value("steps") {
            if case .sequence(let items) = list {
                steps = items.enumerated().compactMap { step(from: $0.element, number: $0.offset + 1) }
            } else {
                collector.add(list.diagnostic("'steps' must be a list, found \(list.kindDescription)", file: file))
            }
        }
        reader.finish()
        return Timeline(advance: advance, steps: steps)
    }

    func step(from node: Node, number: Int) -> TimelineStep? {
        let reader = MappingReader(node, file: file, what: "a timeline step", collector: collector)
        guard reader.isValid else { return nil }
        let name = reader.string("name") ?? "step \(number)"
        var changes: [ChannelChange] = []
        if let list = reader.value("changes") {
            if case .sequence(let items) = list {
                changes = items.compactMap(change(from:))
            } else {
                collector.add(list.diagnostic("'changes' must be a list, found \(list.kindDescription)", file: file))
            }
        } else {
            reader.reportMissing("changes")
        }
        reader.finish()
        return TimelineStep(name: name, changes: changes)
    }

    func change(from node: Node) -> ChannelChange? {
        let reader = MappingReader(node, file: file, what: "a change", collector: collector)
        guard reader.isValid else { return nil }
        let fields = FieldAssignmentReader(file: file, collector: collector)
        let partner = reader.string("partner")
        let channel = reader.string("channel")
        let channelList = reader.stringList("channels")
        let every = reader.int("every")
        let all = reader.bool("all")
        let set = reader.value("set").map { fields.assignments(from: $0, key: "set") }
        let unset = reader.value("unset").map { fields.paths(from: $0, key: "unset") }
        let add = reader.value("add")
        let remove = reader.value("remove")
        reader.finish()

        guard let partnerID = resolvePartner(partner, node: reader.value("partner") ?? node) else { return nil }
        let actions = [set != nil, unset != nil, add != nil, remove != nil].filter { $0 }.count
        guard actions == 1 else {
            collector.add(node.diagnostic("a change needs exactly one of 'set', 'unset', 'add' or 'remove'", file: file))
            return nil
        }
        if let add {
            let document = add.jsonValue
            guard case .string(let id)? = document["id"], !id.isEmpty else {
                collector.add(add.diagnostic("'add' must be a channel document with a string 'id'", file: file))
                return nil
            }
            return ChannelChange(partnerID: partnerID, action: .add(document))
        }
        if let remove {
            let ids: [String]
            switch remove {
            case .scalar(let scalar): ids = [scalar.string]
            case .sequence(let items): ids = items.compactMap { $0.scalar?.string }
            default:
                collector.add(remove.diagnostic("'remove' must be a channel id or a list of ids", file: file))
                return nil
            }
            return ChannelChange(partnerID: partnerID, action: .remove(ids))
        }
        guard let selection = selection(channel: channel, channels: channelList, every: every, all: all, node: node) else { return nil }
        if let set { return ChannelChange(partnerID: partnerID, action: .set(selection: selection, fields: set)) }
        return ChannelChange(partnerID: partnerID, action: .unset(selection: selection, paths: unset ?? []))
    }

    func resolvePartner(_ partner: String?, node: Node) -> String? {
        if let partner {
            guard partnerIDs.contains(partner) else {
                collector.add(node.diagnostic("unknown partner '\(partner)'" + DidYouMean.hint(for: partner, among: partnerIDs), file: file))
                return nil
            }
            return partner
        }
        if partnerIDs.count == 1 { return partnerIDs[0] }
        collector.add(node.diagnostic("a change needs 'partner: ID' when the scenario has several partners", file: file))
        return nil
    }

    func selection(channel: String?, channels: [String]?, every: Int?, all: Bool?, node: Node) -> ChannelChange.Selection? {
        var selections: [ChannelChange.Selection] = []
        if let channel { selections.append(.ids([channel])) }
        if let channels { selections.append(.ids(channels)) }
        if let every {
            guard every >= 1 else {
                collector.add(node.diagnostic("'every' must be at least 1", file: file))
                return nil
            }
            selections.append(.every(every))
        }
        if all == true { selections.append(.all) }
        guard selections.count == 1 else {
            collector.add(node.diagnostic("'set'/'unset' need exactly one of 'channel', 'channels', 'every' or 'all: true'", file: file))
            return nil
        }
        return selections[0]
    }
}
