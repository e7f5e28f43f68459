import EVM

/// EIP-191 version `0x45` ("personal_sign"): keccak256(`"\u{19}Ethereum Signed Message:\n"` ‖ decimal length ‖ message).
public enum PersonalMessage {
    /// The digest that `personal_sign` signs for `message`.
    public static func hash<C: Collection>(_ message: C) -> Bytes32 where C.Element == UInt8 {
        var hasher = Keccak256()
        hasher.update(data: Array("\u{19}Ethereum Signed Message:\n\(message.count)".utf8))
        hasher.update(data: message)
        return hasher.finalize()
    }

    /// The digest for the UTF-8 bytes of `text`.
    public static func hash(_ text: String) -> Bytes32 { hash(Array(text.utf8)) }
}
