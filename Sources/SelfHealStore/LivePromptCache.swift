import SelfHealCore
import Synchronization

/// The live prompts of each task type (the active one, and the canary the worker sends a share of
/// requests to), kept in memory so the worker does not query the database on every request
/// (without a canary, a fifth of the requests asked for one and found none), and dropped as
/// soon as a prompt changes:
/// - in this process, by the store's own writes (nothing is served from memory from the start
///   of a prompt write until after its commit: `beginChange`, `endChange`);
/// - in another process on the same file (`selfheal prompts activate`, another role), through
///   `PromptChangeMarker`, checked with one `stat` per lookup;
/// - by anything else (the `sqlite3` shell), within `refreshInterval`: an entry is re-read when
///   it is older than that.
/// A read that raced with a change is not kept: each entry remembers the generation and the
/// marker it was read under, and counts only while both are unchanged.
final class LivePromptCache: Sendable {
    static let refreshInterval = Duration.seconds(1)
    static let maxEntries = 64

    private struct Entry {
        var prompt: PromptVersion?
        var generation: UInt64
        var marker: PromptChangeMarker.Stamp?
        var readAt: ContinuousClock.Instant
    }

    /// Which live prompt: the task type's active one or its canary.
    struct Key: Hashable {
        var taskType: String
        var status: PromptStatus
    }

    private struct State {
        var generation: UInt64 = 0
        /// Prompt writes of this process under way.
        var changing = 0
        var entries: [Key: Entry] = [:]
    }

    /// nil for a database no other process can open (`:memory:`).
    let marker: PromptChangeMarker?
    private let state = Mutex(State())

    init(marker: PromptChangeMarker?) {
        self.marker = marker
    }

    /// What a lookup needs to keep its read: the generation and the marker before the query.
    struct Ticket {
        fileprivate var generation: UInt64
        fileprivate var marker: PromptChangeMarker.Stamp?
        fileprivate var at: ContinuousClock.Instant
    }

    /// The cached prompt (`.some(nil)`: the task type has none), or nil with a ticket for
    /// `keep` when it has to be read.
    func lookup(_ key: Key) -> (hit: PromptVersion??, ticket: Ticket) {
        let stamp = marker?.stamp()
        let now = ContinuousClock.now
        return state.withLock { state in
            let ticket = Ticket(generation: state.generation, marker: stamp, at: now)
            guard state.changing == 0, let entry = state.entries[key], entry.generation == state.generation, entry.marker == stamp,
                  now - entry.readAt < Self.refreshInterval
            else { return (nil, ticket) }
            return (.some(entry.prompt), ticket)
        }
    }

    /// Keeps what was read under `ticket`, unless a change in this process came in between
    /// (one in another process shows in the marker at the next lookup).
    func keep(_ prompt: PromptVersion?, for key: Key, ticket: Ticket) {
        state.withLock { state in
            guard state.changing == 0, state.generation == ticket.generation else { return }
            // Task types are a short configured list; a caller naming many others (a worker's
            // route, not validated there) must not grow this without bound.
            if state.entries.count >= Self.maxEntries, state.entries[key] == nil { state.entries.removeAll() }
            state.entries[key] = Entry(prompt: prompt, generation: ticket.generation, marker: ticket.marker, readAt: ticket.at)
        }
    }

    /// Prompts (or their absence) kept now.
    var count: Int { state.withLock { $0.entries.count } }

    /// A prompt write of this process starts: until it has ended, nothing is served from memory.
    func beginChange() {
        state.withLock { state in
            state.changing += 1
            state.generation &+= 1
            state.entries.removeAll()
        }
    }

    /// The write has committed (or failed: it may have): nothing read before counts.
    func endChange() {
        state.withLock { state in
            state.changing -= 1
            state.generation &+= 1
            state.entries.removeAll()
        }
    }
}
