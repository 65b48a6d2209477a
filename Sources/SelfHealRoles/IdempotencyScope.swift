import Crypto
import Foundation
import SelfHealCore

/// An `Idempotency-Key` belongs to the credential that sent it, and to the request it was
/// first sent with: as payment APIs do, the same key from another client is another key, and
/// the same key with another body is refused (422) instead of answered with someone's earlier
/// answer. Only digests are stored: never the credential, and the request is already in the row.
public struct IdempotencyScope: Sendable, Equatable {
    /// The key as stored: the credential's digest, then the client's key.
    public let storedKey: String
    /// A digest of every field that shapes the answer.
    public let fingerprint: String

    /// `credential`: the bearer token that was accepted for the request, nil when the server
    /// runs without credentials (loopback mode, where every caller is the same caller).
    public init(key: String, credential: String?, request: ClientRequest) {
        let owner = credential.map { "k" + Hex.lowercase(SHA256.hash(data: Data($0.utf8))).prefix(32) } ?? "open"
        storedKey = owner + ":" + key
        var digest = SHA256()
        // Length-prefixed, so no two different requests can serialise to the same bytes.
        for field in [request.taskType, request.userInput, request.language, request.tests ?? "\u{0}none", request.entryPoint ?? "\u{0}none"] {
            let bytes = Data(field.utf8)
            digest.update(data: Data("\(bytes.count):".utf8))
            digest.update(data: bytes)
        }
        fingerprint = Hex.lowercase(digest.finalize())
    }
}
