import Alerting
import Recording
import Foundation
import Rules

/// A validated rule set together with the fingerprint of its files' text, which the recorder
/// stores per partner so that changed rules re-evaluate every channel.
public struct LoadedRules: Sendable {
    /// The rules.
    public var ruleSet: RuleSet
    /// Identifies the rule files' contents; see `PollRecorder.rulesFingerprint`.
    public var fingerprint: String

    /// Rules whose fingerprint the caller computed (e.g. `Fingerprint.of(texts)` in tests).
    public init(ruleSet: RuleSet, fingerprint: String) {
        self.ruleSet = ruleSet
        self.fingerprint = fingerprint
    }

    /// Loads and validates the rule files and directories at `paths`; throws every problem with
    /// file:line:col. The fingerprint covers the text of every file the set was read from.
    public static func load(paths: [String]) throws -> LoadedRules {
        let ruleSet = try RuleSet.load(paths: paths)
        let texts = ruleSet.files.map { file in
            (try? String(contentsOfFile: file, encoding: .utf8)).map { "\(file)\n\($0)" } ?? file
        }
        return LoadedRules(ruleSet: ruleSet, fingerprint: Fingerprint.of(texts))
    }
}
