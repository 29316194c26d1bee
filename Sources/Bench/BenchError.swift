/// A benchmark step could not run: what failed and what to do.
public struct BenchError: Error, CustomStringConvertible {
    /// The message, naming the step and never a secret.
    public var description: String

    /// An error with this message.
    public init(_ description: String) {
        self.description = description
    }
}
