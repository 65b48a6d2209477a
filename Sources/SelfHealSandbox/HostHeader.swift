/// A warm host's message header: the members of a flat JSON object, read by name.
///
/// A header has a handful of members and a job reads each once or twice: a scan of them costs
/// less than hashing them into a `[String: Any]` and casting each value back out (which was
/// ~1 % of a request's instructions, for two small headers).
struct HostHeader: @unchecked Sendable {
    enum Value {
        case bool(Bool)
        case int(Int)
        case string(String)
        /// A value the full JSON reader gave (a header outside the fast reader's subset),
        /// read by casting as before.
        case other(Any)
    }

    private(set) var members: [(name: String, value: Value)]

    init(members: [(name: String, value: Value)]) {
        self.members = members
    }

    /// A header the full JSON reader (`JSONSerialization`) read.
    init(_ object: [String: Any]) {
        members = object.map { ($0.key, .other($0.value)) }
    }

    /// The member named `name`; the last one of that name, as a JSON reader keeps it.
    subscript(name: String) -> Value? {
        members.last { $0.name == name }?.value
    }

    func bool(_ name: String) -> Bool? {
        switch self[name] {
        case .bool(let flag): flag
        case .other(let value): value as? Bool
        default: nil
        }
    }

    func int(_ name: String) -> Int? {
        switch self[name] {
        case .int(let number): number
        case .other(let value): value as? Int
        default: nil
        }
    }

    func string(_ name: String) -> String? {
        switch self[name] {
        case .string(let text): text
        case .other(let value): value as? String
        default: nil
        }
    }
}
