public import Foundation
public import Logging
import Metrics
public import SelfHealCore
import Synchronization

/// What a hot-reloaded Lua folder loads into: the rule set, the plugin set.
public protocol LoadedLuaSet: Sendable {
    /// Content hash of the folder it was loaded from.
    var version: String { get }
    var loadedAt: Date { get }
}

/// The live, last-good set of a Lua folder and the rules of replacing it, shared by the
/// rules and plugins engines: reload only when the content hash changed, validate into a
/// fresh set, swap only on success, report a broken edit once (not on every poll), clear the
/// error when a good version goes live or the broken edit is reverted, and count reloads in
/// `selfheal_<kind>_reloads_total{result}`.
public final class LuaFolderReloader<LoadedSet: LoadedLuaSet>: Sendable {
    public let directory: String
    /// "rules" or "plugins": names the metric and tags the log lines.
    private let kind: String
    private let logger: Logger
    private let live: Mutex<State>
    /// Serialises reloads (the poller and a manual reload may race); readers never take it.
    private let reloadLock = Mutex<Void>(())

    private struct State {
        var set: LoadedSet
        var lastError: String?
        var lastErrorAt: Date?
        /// The content that failed last, so a broken edit is reported once.
        var failedVersion: String?
    }

    public init(kind: String, directory: String, initial: LoadedSet, logger: Logger) {
        self.kind = kind
        self.directory = directory
        self.logger = logger
        self.live = Mutex(State(set: initial))
    }

    /// The set new work uses; work already running keeps the set it started with.
    public var current: LoadedSet { live.withLock { $0.set } }

    public var status: ReloadStatus {
        live.withLock { ReloadStatus(version: $0.set.version, loadedAt: $0.set.loadedAt, lastError: $0.lastError, lastErrorAt: $0.lastErrorAt) }
    }

    /// Reads the folder; when its content hash differs from the live set's, builds a new set
    /// with `load` and swaps it in. On failure the live set stays. Blocking: call it off the
    /// cooperative pool.
    public func reloadIfChanged(load: (LuaFolderSnapshot) -> Result<LoadedSet, any Error>) -> LuaFolderReloadOutcome {
        reloadLock.withLock { _ in
            let snapshot: LuaFolderSnapshot
            do {
                snapshot = try LuaFolderSnapshot.read(directory: directory)
            } catch {
                return fail("\(error)", version: "unreadable")
            }
            let (liveVersion, failedVersion) = live.withLock { ($0.set.version, $0.failedVersion) }
            if snapshot.version == liveVersion {
                // A broken edit was reverted: what is on disk is live again.
                live.withLock { if $0.failedVersion != nil { $0.failedVersion = nil; $0.lastError = nil; $0.lastErrorAt = nil } }
                return .unchanged
            }
            if snapshot.version == failedVersion { return .unchanged }
            let start = ContinuousClock.now
            switch load(snapshot) {
            case .success(let set):
                live.withLock { $0 = State(set: set) }
                Counter(label: "selfheal_\(kind)_reloads_total", dimensions: [("result", "success")]).increment()
                logger.info("Lua folder reloaded", metadata: [
                    "lua.folder": "\(kind)", "lua.version": "\(snapshot.version)", "lua.previous_version": "\(liveVersion)",
                    "lua.reload_ms": "\(((ContinuousClock.now - start) / .milliseconds(1)).rounded())",
                ])
                return .reloaded(version: snapshot.version)
            case .failure(let error):
                return fail("\(error)", version: snapshot.version)
            }
        }
    }

    private func fail(_ message: String, version: String) -> LuaFolderReloadOutcome {
        let (liveVersion, isNew) = live.withLock { state in
            let isNew = state.failedVersion != version
            if isNew {
                state.lastError = message
                state.lastErrorAt = Date()
                state.failedVersion = version
            }
            return (state.set.version, isNew)
        }
        if isNew {
            Counter(label: "selfheal_\(kind)_reloads_total", dimensions: [("result", "failure")]).increment()
            logger.error("Lua folder reload failed; keeping the last good set", metadata: [
                "lua.folder": "\(kind)", "lua.version": "\(liveVersion)", "lua.rejected_version": "\(version)", "error": "\(message)",
            ])
        }
        return .failed(message: message)
    }
}
