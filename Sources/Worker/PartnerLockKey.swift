/// The PostgreSQL advisory-lock key of a partner's poll: the same in every process and every
/// build, so replicas agree on it. Swift's `Hasher` is seeded per process and cannot be used.
public enum PartnerLockKey {
    /// FNV-1a 64 of `channelwatch.poll:` + the partner id, as a signed 64-bit lock key.
    public static func forPartner(_ partnerID: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "channelwatch.poll:\(partnerID)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}
