/// TLS settings for one transfer. Verification is on unless explicitly turned off.
public struct TLSOptions: Sendable, Hashable {
    /// Verify the peer's certificate chain (`CURLOPT_SSL_VERIFYPEER`) and that it names
    /// the host (`CURLOPT_SSL_VERIFYHOST`). Turning this off is for local experiments only.
    public var verifyPeer: Bool
    /// A PEM bundle of CA certificates to trust instead of the system store (`CURLOPT_CAINFO`).
    public var caFile: String?

    /// Creates TLS options; the defaults verify against the system CA store.
    public init(verifyPeer: Bool = true, caFile: String? = nil) {
        self.verifyPeer = verifyPeer
        self.caFile = caFile
    }
}
